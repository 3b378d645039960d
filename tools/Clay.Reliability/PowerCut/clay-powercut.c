/*
 * clay-powercut: an LD_PRELOAD layer that lets a test lose every write not yet synced, as a
 * power cut would.
 *
 * `kill -9` keeps the kernel's page cache: whatever a process wrote before it died is still read
 * back afterwards, synced or not, so a crash test alone cannot tell a store that syncs its commits
 * from one that does not. This library, preloaded into the process under test, keeps an undo
 * journal of every change made under one directory: before each write it records the bytes the
 * write overwrites and the file's size; every fsync/fdatasync of a file, and every fsync of a
 * directory, is recorded with the journal position at which it started. After the process is
 * killed, the power-cut tool (PowerCut.cs) reads the journal backwards and undoes every change
 * that no later sync covered: file contents and sizes go back to what the last sync of each file
 * made durable, and file creations, deletions and renames go back to the last sync of their
 * directory. That is the strictest outcome POSIX allows after a power loss.
 *
 *   CLAY_POWERCUT_DIR      the directory whose files are tracked (must exist)
 *   CLAY_POWERCUT_JOURNAL  the journal file (outside that directory); JOURNAL.stash/ must exist on
 *                          the same file system: deleted and replaced files are kept there as hard
 *                          links so that a deletion that was never synced can be undone
 *
 * Journal record (little-endian), appended with one write() under a process-wide lock:
 *
 *   +------+------+--------+--------+--------+----------+---------+----------+------------+--------+
 *   | type | 0    | pathLen| dataLen|  dev   |   ino    | offset  | oldSize  |   covers   | path…  | data…
 *   | u32  | u32  |  u32   |  u32   |  u64   |   u64    |  i64    |  i64     |    i64     |        |
 *   +------+------+--------+--------+--------+----------+---------+----------+------------+--------+
 *
 *   WRITE    a write at offset; data = the bytes it overwrote (those below oldSize)
 *   RESIZE   a truncation or extension to offset; data = the bytes a shrink cut off
 *   SYNC     fsync/fdatasync of (dev, ino) that started when the journal ended at `covers`
 *   DIRSYNC  fsync of directory `path`, started at `covers`
 *   SYNCALL  sync()/syncfs(), started at `covers`: everything before is durable
 *   CREATE   a new file or hard link at path; MKDIR a new directory
 *   UNLINK   path removed; data = the stash link keeping its inode; RMDIR a directory removed
 *   RENAME   path renamed; data = new path NUL stash link of the file it replaced (may be empty)
 *   WARN     something the layer cannot undo (a shared writable mapping); data = the reason
 *
 * Only calls through the C library are seen: open/openat/creat (and their 64-bit and fortified
 * forms), write/pwrite/writev/pwritev, ftruncate, fallocate, fsync/fdatasync, sync/syncfs,
 * unlink/unlinkat/rmdir/remove, rename/renameat/renameat2, mkdir/mkdirat, link/linkat/symlink.
 * That covers SQLite and .NET's file I/O; raw system calls and io_uring are not seen.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { WRITE = 1, RESIZE = 2, SYNC = 3, DIRSYNC = 4, SYNCALL = 5, CREATE = 6, MKDIR = 7, UNLINK = 8, RMDIR = 9, RENAME = 10, WARN = 11 };
enum { UNKNOWN = 0, UNTRACKED = 1, FILE_TRACKED = 2, DIR_TRACKED = 3 };

#define MAX_FDS (1 << 20)

struct header {
    uint32_t type, reserved, path_len, data_len;
    uint64_t dev, ino;
    int64_t offset, old_size, covers;
};

static char root[PATH_MAX];
static size_t root_len;
static char stash[PATH_MAX];
static int journal = -1;
static unsigned long stash_counter;
static unsigned char fd_state[MAX_FDS];
static pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

#define REAL(name, ret, ...) \
    static ret (*real_##name)(__VA_ARGS__); \
    static ret (*get_##name(void))(__VA_ARGS__) { \
        if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name); \
        return real_##name; \
    }

REAL(open, int, const char *, int, ...)
REAL(open64, int, const char *, int, ...)
REAL(openat, int, int, const char *, int, ...)
REAL(openat64, int, int, const char *, int, ...)
REAL(__open_2, int, const char *, int)
REAL(__open64_2, int, const char *, int)
REAL(__openat_2, int, int, const char *, int)
REAL(__openat64_2, int, int, const char *, int)
REAL(close, int, int)
REAL(write, ssize_t, int, const void *, size_t)
REAL(pwrite, ssize_t, int, const void *, size_t, off_t)
REAL(pwrite64, ssize_t, int, const void *, size_t, off64_t)
REAL(writev, ssize_t, int, const struct iovec *, int)
REAL(pwritev, ssize_t, int, const struct iovec *, int, off_t)
REAL(pwritev64, ssize_t, int, const struct iovec *, int, off64_t)
REAL(pwritev2, ssize_t, int, const struct iovec *, int, off_t, int)
REAL(ftruncate, int, int, off_t)
REAL(ftruncate64, int, int, off64_t)
REAL(fallocate, int, int, int, off_t, off_t)
REAL(fallocate64, int, int, int, off64_t, off64_t)
REAL(posix_fallocate, int, int, off_t, off_t)
REAL(posix_fallocate64, int, int, off64_t, off64_t)
REAL(fsync, int, int)
REAL(fdatasync, int, int)
REAL(sync, void, void)
REAL(syncfs, int, int)
REAL(unlink, int, const char *)
REAL(unlinkat, int, int, const char *, int)
REAL(rmdir, int, const char *)
REAL(remove, int, const char *)
REAL(rename, int, const char *, const char *)
REAL(renameat, int, int, const char *, int, const char *)
REAL(renameat2, int, int, const char *, int, const char *, unsigned int)
REAL(mkdir, int, const char *, mode_t)
REAL(mkdirat, int, int, const char *, mode_t)
REAL(link, int, const char *, const char *)
REAL(linkat, int, int, const char *, int, const char *, int)
REAL(symlink, int, const char *, const char *)
REAL(mmap, void *, void *, size_t, int, int, int, off_t)
REAL(mmap64, void *, void *, size_t, int, int, int, off64_t)

__attribute__((constructor)) static void init(void)
{
    const char *dir = getenv("CLAY_POWERCUT_DIR");
    const char *path = getenv("CLAY_POWERCUT_JOURNAL");
    if (!dir || !path) return;
    if (!realpath(dir, root)) {
        fprintf(stderr, "clay-powercut: CLAY_POWERCUT_DIR %s: %s\n", dir, strerror(errno));
        _exit(97);
    }
    root_len = strlen(root);
    snprintf(stash, sizeof stash, "%s.stash", path);
    journal = get_open()(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (journal < 0) {
        fprintf(stderr, "clay-powercut: CLAY_POWERCUT_JOURNAL %s: %s\n", path, strerror(errno));
        _exit(97);
    }
    fd_state[journal] = UNTRACKED;
}

static int under_root(const char *path)
{
    return root_len > 0 && strncmp(path, root, root_len) == 0 && (path[root_len] == '/' || path[root_len] == '\0');
}

/* The journal's current end: records before it happened before whatever comes next. */
static int64_t journal_end(void)
{
    return (int64_t)lseek(journal, 0, SEEK_END);
}

static void append(uint32_t type, const char *path, uint64_t dev, uint64_t ino, int64_t offset, int64_t old_size, int64_t covers,
                   const void *data, size_t data_len, const void *data2, size_t data2_len)
{
    struct header h = { type, 0, path ? (uint32_t)strlen(path) : 0, (uint32_t)(data_len + data2_len), dev, ino, offset, old_size, covers };
    size_t total = sizeof h + h.path_len + data_len + data2_len;
    char *buffer = malloc(total);
    if (!buffer) {
        fprintf(stderr, "clay-powercut: out of memory for a %zu-byte record\n", total);
        _exit(97);
    }
    memcpy(buffer, &h, sizeof h);
    if (h.path_len) memcpy(buffer + sizeof h, path, h.path_len);
    if (data_len) memcpy(buffer + sizeof h + h.path_len, data, data_len);
    if (data2_len) memcpy(buffer + sizeof h + h.path_len + data_len, data2, data2_len);
    size_t done = 0;
    while (done < total) {
        ssize_t n = get_write()(journal, buffer + done, total - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fprintf(stderr, "clay-powercut: cannot write the journal: %s\n", strerror(errno));
            _exit(97);
        }
        done += (size_t)n;
    }
    free(buffer);
}

static int fd_path(int fd, char *path)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, PATH_MAX - 1);
    if (n < 0) return -1;
    path[n] = '\0';
    return 0;
}

/* What fd is: a regular file or directory under the root (tracked) or anything else. */
static int classify(int fd)
{
    if (journal < 0 || fd < 0 || fd >= MAX_FDS) return UNTRACKED;
    if (fd_state[fd] != UNKNOWN) return fd_state[fd];
    struct stat st;
    char path[PATH_MAX];
    int state = UNTRACKED;
    if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && fd_path(fd, path) == 0 && under_root(path)) {
        state = S_ISDIR(st.st_mode) ? DIR_TRACKED : FILE_TRACKED;
    }
    fd_state[fd] = (unsigned char)state;
    return state;
}

/* The absolute path of (dirfd, path) with its parent directory resolved; 0 when outside the root. */
static int resolve(int dirfd, const char *path, char *out)
{
    if (journal < 0 || !path) return 0;
    char joined[PATH_MAX * 2];
    if (path[0] == '/') {
        snprintf(joined, sizeof joined, "%s", path);
    } else {
        char base[PATH_MAX];
        if (dirfd == AT_FDCWD) {
            if (!getcwd(base, sizeof base)) return 0;
        } else if (fd_path(dirfd, base) != 0) {
            return 0;
        }
        snprintf(joined, sizeof joined, "%s/%s", base, path);
    }
    size_t len = strlen(joined);
    while (len > 1 && joined[len - 1] == '/') joined[--len] = '\0';
    char *slash = strrchr(joined, '/');
    if (!slash) return 0;
    char parent[PATH_MAX];
    char resolved[PATH_MAX];
    snprintf(parent, sizeof parent, "%.*s", (int)(slash == joined ? 1 : slash - joined), joined);
    if (!realpath(parent, resolved)) return 0;
    snprintf(out, PATH_MAX, "%s/%s", strcmp(resolved, "/") == 0 ? "" : resolved, slash + 1);
    return under_root(out);
}

/* Keeps the inode at path alive under the stash; returns the stash path in out (empty if none). */
static void stash_link(const char *path, char *out)
{
    out[0] = '\0';
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISDIR(st.st_mode)) return;
    snprintf(out, PATH_MAX, "%s/%d-%lu", stash, (int)getpid(), ++stash_counter);
    if (get_link()(path, out) != 0) {
        fprintf(stderr, "clay-powercut: cannot keep %s as %s: %s\n", path, out, strerror(errno));
        _exit(97);
    }
}

/* Records the bytes [offset, offset+length) of fd's file before they are overwritten. */
static void record_write(int fd, int64_t offset, int64_t length)
{
    struct stat st;
    char path[PATH_MAX];
    if (fstat(fd, &st) != 0 || fd_path(fd, path) != 0) return;
    int64_t size = st.st_size;
    int64_t end = offset + length < size ? offset + length : size;
    size_t count = end > offset ? (size_t)(end - offset) : 0;
    char *old = count ? malloc(count) : NULL;
    if (count && !old) _exit(97);
    if (count) {
        ssize_t n = pread(fd, old, count, offset);
        if (n < 0 && errno == EBADF) {
            /* Opened write-only: read through a second descriptor on the same file. */
            char link[64];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            int reader = get_open()(link, O_RDONLY | O_CLOEXEC);
            n = reader >= 0 ? pread(reader, old, count, offset) : -1;
            if (reader >= 0) get_close()(reader);
        }
        if (n < 0) {
            fprintf(stderr, "clay-powercut: cannot read %s before writing it: %s\n", path, strerror(errno));
            _exit(97);
        }
        count = (size_t)n;
    }
    append(WRITE, path, st.st_dev, st.st_ino, offset, size, 0, old, count, NULL, 0);
    free(old);
}

static void record_resize(int fd, int64_t new_size)
{
    struct stat st;
    char path[PATH_MAX];
    if (fstat(fd, &st) != 0 || fd_path(fd, path) != 0) return;
    int64_t size = st.st_size;
    size_t count = size > new_size ? (size_t)(size - new_size) : 0;
    char *old = count ? malloc(count) : NULL;
    if (count && !old) _exit(97);
    if (count) {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        int reader = get_open()(link, O_RDONLY | O_CLOEXEC);
        ssize_t n = reader >= 0 ? pread(reader, old, count, new_size) : -1;
        if (reader >= 0) get_close()(reader);
        if (n < 0) {
            fprintf(stderr, "clay-powercut: cannot read %s before truncating it: %s\n", path, strerror(errno));
            _exit(97);
        }
        count = (size_t)n;
    }
    append(RESIZE, path, st.st_dev, st.st_ino, new_size, size, 0, old, count, NULL, 0);
    free(old);
}

static void record_sync(int fd, int64_t covers)
{
    struct stat st;
    char path[PATH_MAX];
    if (fstat(fd, &st) != 0 || fd_path(fd, path) != 0) return;
    append(S_ISDIR(st.st_mode) ? DIRSYNC : SYNC, path, st.st_dev, st.st_ino, 0, st.st_size, covers, NULL, 0, NULL, 0);
}

/* ---- opening and closing ---------------------------------------------------------------- */

static int opened(int fd, int flags, int created)
{
    if (fd < 0 || journal < 0) return fd;
    int saved = errno;
    if (fd >= MAX_FDS) {
        /* Beyond the table: not tracked, but the O_TRUNC taken off the open must still be applied. */
        if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY) get_ftruncate()(fd, 0);
        errno = saved;
        return fd;
    }
    fd_state[fd] = UNKNOWN;
    if (classify(fd) == FILE_TRACKED) {
        pthread_mutex_lock(&lock);
        if (created) {
            struct stat st;
            char path[PATH_MAX];
            if (fstat(fd, &st) == 0 && fd_path(fd, path) == 0) append(CREATE, path, st.st_dev, st.st_ino, 0, 0, 0, NULL, 0, NULL, 0);
        }
        if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY) {
            record_resize(fd, 0);
            get_ftruncate()(fd, 0);
        }
        pthread_mutex_unlock(&lock);
    } else if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY) {
        get_ftruncate()(fd, 0);
    }
    errno = saved;
    return fd;
}

static int will_create(int dirfd, const char *path, int flags)
{
    struct stat st;
    return journal >= 0 && (flags & O_CREAT) && fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT;
}

/* O_TRUNC is applied after the open, once the old contents are recorded. */
static int strip_trunc(int flags)
{
    return journal >= 0 && (flags & O_ACCMODE) != O_RDONLY ? flags & ~O_TRUNC : flags;
}

#define OPEN_BODY(call, dirfd) \
    mode_t mode = 0; \
    if (flags & (O_CREAT | __O_TMPFILE)) { \
        va_list args; \
        va_start(args, flags); \
        mode = va_arg(args, mode_t); \
        va_end(args); \
    } \
    int created = will_create(dirfd, path, flags); \
    int fd = call; \
    return opened(fd, flags, created);

int open(const char *path, int flags, ...) { OPEN_BODY(get_open()(path, strip_trunc(flags), mode), AT_FDCWD) }
int open64(const char *path, int flags, ...) { OPEN_BODY(get_open64()(path, strip_trunc(flags), mode), AT_FDCWD) }
int openat(int dirfd, const char *path, int flags, ...) { OPEN_BODY(get_openat()(dirfd, path, strip_trunc(flags), mode), dirfd) }
int openat64(int dirfd, const char *path, int flags, ...) { OPEN_BODY(get_openat64()(dirfd, path, strip_trunc(flags), mode), dirfd) }
int __open_2(const char *path, int flags) { return opened(get___open_2()(path, strip_trunc(flags)), flags, 0); }
int __open64_2(const char *path, int flags) { return opened(get___open64_2()(path, strip_trunc(flags)), flags, 0); }
int __openat_2(int dirfd, const char *path, int flags) { return opened(get___openat_2()(dirfd, path, strip_trunc(flags)), flags, 0); }
int __openat64_2(int dirfd, const char *path, int flags) { return opened(get___openat64_2()(dirfd, path, strip_trunc(flags)), flags, 0); }
int creat(const char *path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }
int creat64(const char *path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }

int close(int fd)
{
    if (fd >= 0 && fd < MAX_FDS) fd_state[fd] = UNKNOWN;
    return get_close()(fd);
}

/* ---- writing ------------------------------------------------------------------------------- */

static int sync_each(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags >= 0 && (flags & (O_SYNC | O_DSYNC)) != 0;
}

static int64_t position(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0 && (flags & O_APPEND)) {
        struct stat st;
        return fstat(fd, &st) == 0 ? st.st_size : 0;
    }
    return (int64_t)lseek(fd, 0, SEEK_CUR);
}

static size_t iov_total(const struct iovec *iov, int count)
{
    size_t total = 0;
    for (int i = 0; i < count; i++) total += iov[i].iov_len;
    return total;
}

#define WRITE_BODY(offset_expr, length, call) \
    if (classify(fd) != FILE_TRACKED) return call; \
    pthread_mutex_lock(&lock); \
    record_write(fd, (offset_expr), (int64_t)(length)); \
    ssize_t result = call; \
    int saved = errno; \
    if (result >= 0 && sync_each(fd)) record_sync(fd, journal_end()); \
    pthread_mutex_unlock(&lock); \
    errno = saved; \
    return result;

ssize_t write(int fd, const void *buf, size_t count) { WRITE_BODY(position(fd), count, get_write()(fd, buf, count)) }
ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) { WRITE_BODY(offset, count, get_pwrite()(fd, buf, count, offset)) }
ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset) { WRITE_BODY(offset, count, get_pwrite64()(fd, buf, count, offset)) }
ssize_t writev(int fd, const struct iovec *iov, int n) { WRITE_BODY(position(fd), iov_total(iov, n), get_writev()(fd, iov, n)) }
ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t offset) { WRITE_BODY(offset, iov_total(iov, n), get_pwritev()(fd, iov, n, offset)) }
ssize_t pwritev64(int fd, const struct iovec *iov, int n, off64_t offset) { WRITE_BODY(offset, iov_total(iov, n), get_pwritev64()(fd, iov, n, offset)) }
ssize_t pwritev2(int fd, const struct iovec *iov, int n, off_t offset, int flags)
{
    WRITE_BODY(offset == -1 ? position(fd) : offset, iov_total(iov, n), get_pwritev2()(fd, iov, n, offset, flags))
}

#define RESIZE_BODY(new_size, call) \
    if (classify(fd) != FILE_TRACKED) return call; \
    pthread_mutex_lock(&lock); \
    record_resize(fd, (new_size)); \
    int result = call; \
    int saved = errno; \
    pthread_mutex_unlock(&lock); \
    errno = saved; \
    return result;

int ftruncate(int fd, off_t length) { RESIZE_BODY(length, get_ftruncate()(fd, length)) }
int ftruncate64(int fd, off64_t length) { RESIZE_BODY(length, get_ftruncate64()(fd, length)) }

/* An allocation that grows the file is undone by shrinking it back (the new bytes read as zeros). */
static int64_t grown(int fd, int64_t end)
{
    struct stat st;
    return fstat(fd, &st) == 0 && end > st.st_size ? end : st.st_size;
}

int fallocate(int fd, int mode, off_t offset, off_t length) { RESIZE_BODY((mode & 1) ? grown(fd, 0) : grown(fd, offset + length), get_fallocate()(fd, mode, offset, length)) }
int fallocate64(int fd, int mode, off64_t offset, off64_t length) { RESIZE_BODY((mode & 1) ? grown(fd, 0) : grown(fd, offset + length), get_fallocate64()(fd, mode, offset, length)) }
int posix_fallocate(int fd, off_t offset, off_t length) { RESIZE_BODY(grown(fd, offset + length), get_posix_fallocate()(fd, offset, length)) }
int posix_fallocate64(int fd, off64_t offset, off64_t length) { RESIZE_BODY(grown(fd, offset + length), get_posix_fallocate64()(fd, offset, length)) }

/* ---- syncing ------------------------------------------------------------------------------- */

#define SYNC_BODY(call) \
    int state = classify(fd); \
    if (state != FILE_TRACKED && state != DIR_TRACKED) return call; \
    pthread_mutex_lock(&lock); \
    int64_t covers = journal_end(); \
    pthread_mutex_unlock(&lock); \
    int result = call; \
    int saved = errno; \
    if (result == 0) { \
        pthread_mutex_lock(&lock); \
        record_sync(fd, covers); \
        pthread_mutex_unlock(&lock); \
    } \
    errno = saved; \
    return result;

int fsync(int fd) { SYNC_BODY(get_fsync()(fd)) }
int fdatasync(int fd) { SYNC_BODY(get_fdatasync()(fd)) }

void sync(void)
{
    if (journal < 0) {
        get_sync()();
        return;
    }
    pthread_mutex_lock(&lock);
    int64_t covers = journal_end();
    pthread_mutex_unlock(&lock);
    get_sync()();
    pthread_mutex_lock(&lock);
    append(SYNCALL, NULL, 0, 0, 0, 0, covers, NULL, 0, NULL, 0);
    pthread_mutex_unlock(&lock);
}

int syncfs(int fd)
{
    if (journal < 0) return get_syncfs()(fd);
    pthread_mutex_lock(&lock);
    int64_t covers = journal_end();
    pthread_mutex_unlock(&lock);
    int result = get_syncfs()(fd);
    int saved = errno;
    if (result == 0) {
        pthread_mutex_lock(&lock);
        append(SYNCALL, NULL, 0, 0, 0, 0, covers, NULL, 0, NULL, 0);
        pthread_mutex_unlock(&lock);
    }
    errno = saved;
    return result;
}

/* ---- directory entries ----------------------------------------------------------------------- */

static int removed(int dirfd, const char *path, int is_dir, int (*call)(void))
{
    char abs[PATH_MAX];
    if (!resolve(dirfd, path, abs)) return call();
    pthread_mutex_lock(&lock);
    char kept[PATH_MAX];
    struct stat st;
    int exists = lstat(abs, &st) == 0;
    if (exists && !S_ISDIR(st.st_mode)) stash_link(abs, kept); else kept[0] = '\0';
    int result = call();
    int saved = errno;
    if (result == 0 && exists) {
        append(S_ISDIR(st.st_mode) || is_dir ? RMDIR : UNLINK, abs, st.st_dev, st.st_ino, 0, 0, 0, kept, strlen(kept), NULL, 0);
    } else if (kept[0]) {
        get_unlink()(kept);
    }
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

static __thread const char *arg_path;
static __thread int arg_dirfd, arg_flags;
static int call_unlink(void) { return get_unlink()(arg_path); }
static int call_unlinkat(void) { return get_unlinkat()(arg_dirfd, arg_path, arg_flags); }
static int call_rmdir(void) { return get_rmdir()(arg_path); }
static int call_remove(void) { return get_remove()(arg_path); }

int unlink(const char *path) { arg_path = path; return removed(AT_FDCWD, path, 0, call_unlink); }
int unlinkat(int dirfd, const char *path, int flags) { arg_path = path; arg_dirfd = dirfd; arg_flags = flags; return removed(dirfd, path, flags & AT_REMOVEDIR, call_unlinkat); }
int rmdir(const char *path) { arg_path = path; return removed(AT_FDCWD, path, 1, call_rmdir); }
int remove(const char *path) { arg_path = path; return removed(AT_FDCWD, path, 0, call_remove); }

static int renamed(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags,
                   int (*call)(int, const char *, int, const char *, unsigned int))
{
    char from[PATH_MAX], to[PATH_MAX];
    int tracked_from = resolve(olddirfd, oldpath, from);
    int tracked_to = resolve(newdirfd, newpath, to);
    if (!tracked_from && !tracked_to) return call(olddirfd, oldpath, newdirfd, newpath, flags);
    pthread_mutex_lock(&lock);
    char kept[PATH_MAX];
    struct stat st;
    int exists = lstat(from, &st) == 0;
    stash_link(to, kept);
    int result = call(olddirfd, oldpath, newdirfd, newpath, flags);
    int saved = errno;
    if (result == 0 && exists) {
        if (flags != 0 || !tracked_from || !tracked_to) {
            const char *why = "a rename into, out of or exchanging within the tracked directory cannot be undone";
            append(WARN, to, 0, 0, 0, 0, 0, why, strlen(why), NULL, 0);
        }
        append(RENAME, from, st.st_dev, st.st_ino, 0, 0, 0, to, strlen(to) + 1, kept, strlen(kept));
    } else if (kept[0]) {
        get_unlink()(kept);
    }
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

static int call_renameat2(int od, const char *o, int nd, const char *n, unsigned int f) { return get_renameat2()(od, o, nd, n, f); }
static int call_renameat(int od, const char *o, int nd, const char *n, unsigned int f) { (void)f; return get_renameat()(od, o, nd, n); }
static int call_rename(int od, const char *o, int nd, const char *n, unsigned int f) { (void)od; (void)nd; (void)f; return get_rename()(o, n); }

int rename(const char *oldpath, const char *newpath) { return renamed(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0, call_rename); }
int renameat(int od, const char *o, int nd, const char *n) { return renamed(od, o, nd, n, 0, call_renameat); }
int renameat2(int od, const char *o, int nd, const char *n, unsigned int flags) { return renamed(od, o, nd, n, flags, call_renameat2); }

static int made(int dirfd, const char *path, uint32_t type, int result)
{
    if (result != 0) return result;
    int saved = errno;
    char abs[PATH_MAX];
    struct stat st;
    if (resolve(dirfd, path, abs) && lstat(abs, &st) == 0) {
        pthread_mutex_lock(&lock);
        append(type, abs, st.st_dev, st.st_ino, 0, 0, 0, NULL, 0, NULL, 0);
        pthread_mutex_unlock(&lock);
    }
    errno = saved;
    return result;
}

int mkdir(const char *path, mode_t mode) { return made(AT_FDCWD, path, MKDIR, get_mkdir()(path, mode)); }
int mkdirat(int dirfd, const char *path, mode_t mode) { return made(dirfd, path, MKDIR, get_mkdirat()(dirfd, path, mode)); }
int link(const char *oldpath, const char *newpath) { return made(AT_FDCWD, newpath, CREATE, get_link()(oldpath, newpath)); }
int linkat(int od, const char *o, int nd, const char *n, int flags) { return made(nd, n, CREATE, get_linkat()(od, o, nd, n, flags)); }
int symlink(const char *target, const char *path) { return made(AT_FDCWD, path, CREATE, get_symlink()(target, path)); }

/* ---- mappings ------------------------------------------------------------------------------- */

static void mapped(int fd, int prot, int flags)
{
    if (!(prot & PROT_WRITE) || !(flags & MAP_SHARED) || classify(fd) != FILE_TRACKED) return;
    char path[PATH_MAX];
    /* SQLite's -shm index is rebuilt from the WAL after a crash; any other shared mapping is not tracked. */
    if (fd_path(fd, path) != 0 || (strlen(path) > 4 && strcmp(path + strlen(path) - 4, "-shm") == 0)) return;
    pthread_mutex_lock(&lock);
    const char *why = "writes through a shared mapping are not tracked";
    append(WARN, path, 0, 0, 0, 0, 0, why, strlen(why), NULL, 0);
    pthread_mutex_unlock(&lock);
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    if (fd >= 0) mapped(fd, prot, flags);
    return get_mmap()(addr, length, prot, flags, fd, offset);
}

void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off64_t offset)
{
    if (fd >= 0) mapped(fd, prot, flags);
    return get_mmap64()(addr, length, prot, flags, fd, offset);
}
