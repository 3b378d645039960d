using System.Text.Json;

namespace Clay.Server.Hosting;

/// <summary>
/// <c>~/.clay/servers/PORT.json</c>: how <c>clay</c>, run by the same user on the same machine, finds
/// the access token of the server on a loopback port without being told — the server writes where
/// its data directory and token file are; only the user can read it (mode 0600 in a 0700 folder).
/// </summary>
/// <remarks>
/// Fields: <c>port</c>, <c>pid</c>, <c>dataDirectory</c>, <c>tokenFile</c>. The file is removed on a
/// clean stop; one left by a killed server is replaced by the next server on that port, and still
/// names a token that server's data directory keeps. A server that writes its own removes those of
/// servers that are no longer running, so killed servers on ports never used again leave nothing
/// behind for long.
/// </remarks>
public static class LocalServerFile
{
    /// <summary>The folder of these files.</summary>
    public static string Directory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".clay", "servers");

    /// <summary>The file for a port.</summary>
    public static string PathOf(int port) => PathOf(Directory, port);

    private static string PathOf(string directory, int port) => Path.Combine(directory, $"{port}.json");

    /// <summary>
    /// Writes the file for <paramref name="port"/>, and removes those of servers no longer running; a
    /// failure is reported and otherwise ignored (clients can still be given the token).
    /// </summary>
    public static string? Write(int port, string dataDirectory, string tokenFile, Action<string> warn) => Write(Directory, port, dataDirectory, tokenFile, warn);

    /// <summary>As <see cref="Write(int, string, string, Action{string})"/>, in <paramref name="directory"/>.</summary>
    internal static string? Write(string directory, int port, string dataDirectory, string tokenFile, Action<string> warn)
    {
        var path = PathOf(directory, port);
        try
        {
            if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(directory);
            else System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            RemoveLeftOver(directory);
            var temporary = path + "." + Environment.ProcessId + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteNumber("port", port);
                json.WriteNumber("pid", Environment.ProcessId);
                json.WriteString("dataDirectory", dataDirectory);
                json.WriteString("tokenFile", tokenFile);
                json.WriteEndObject();
            }
            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warn($"cannot write {path} ({ex.Message}): clay on this machine will not find the access token by itself; give it with CLAY_TOKEN or 'clay profile set token'");
            return null;
        }
    }

    /// <summary>Removes the file for <paramref name="port"/> if this process wrote it.</summary>
    public static void Remove(int port) => Remove(Directory, port);

    /// <summary>As <see cref="Remove(int)"/>, in <paramref name="directory"/>.</summary>
    internal static void Remove(string directory, int port)
    {
        var path = PathOf(directory, port);
        if (WriterOf(path) == Environment.ProcessId) TryDelete(path);
    }

    /// <summary>Removes the files whose server is no longer running; a file it cannot read is left as it is.</summary>
    private static void RemoveLeftOver(string directory)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.json"))
        {
            if (WriterOf(file) is { } pid && !IsRunning(pid)) TryDelete(file);
        }
    }

    /// <summary>The process id a file names, or null when it cannot be read.</summary>
    private static int? WriterOf(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.TryGetProperty("pid", out var pid) && pid.TryGetInt32(out var id) ? id : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            // Another server took the port since, or the file is gone.
            return null;
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone already, or not this user's to remove.
        }
    }
}
