using Clay.Runtime;

namespace Clay.Storage.Sqlite.Tests;

/// <summary>A database path in a fresh temporary directory, removed afterwards.</summary>
public sealed class StoreFixture : IDisposable
{
    public StoreFixture()
    {
        Directory.CreateDirectory(Directory_);
    }

    private string Directory_ { get; } = Path.Combine(Path.GetTempPath(), "clay-store-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Directory_, "oplog.db");

    public Task<SqliteOplogStore> OpenAsync(int tailDepth = 16) =>
        SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = DatabasePath, TailVerificationDepth = tailDepth });

    public static WorkerId Worker(string name) => new("test:store", name);

    public static ReadOnlyMemory<byte>[] Entries(int count, int first = 1, string tag = "e") =>
        Enumerable.Range(first, count).Select(i => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes($"{tag}{i}")).ToArray();

    public static async Task<List<string>> ReadAllAsync(SqliteOplogStore store, WorkerId worker)
    {
        var result = new List<string>();
        await foreach (var entry in store.ReadAsync(worker, 1)) result.Add($"{entry.Index}:{System.Text.Encoding.UTF8.GetString(entry.Payload.Span)}");
        return result;
    }

    public void Dispose()
    {
        try { Directory.Delete(Directory_, recursive: true); } catch (IOException) { }
    }
}
