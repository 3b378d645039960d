using System.Text;
using Clay.Runtime;
using Clay.Runtime.Storage;

namespace Clay.Storage.Tests.Contract;

/// <summary>Workers and entries the contract tests write, and a readable form of what a store returns.</summary>
public static class StoreTestData
{
    public static WorkerId Worker(string name) => new("test:store", name);

    public static ReadOnlyMemory<byte>[] Entries(int count, int first = 1, string tag = "e") =>
        Enumerable.Range(first, count).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{tag}{i}")).ToArray();

    /// <summary>Every entry of the worker as "index:payload".</summary>
    public static async Task<List<string>> ReadAllAsync(IOplogStore store, WorkerId worker, long from = 1, long to = long.MaxValue)
    {
        var result = new List<string>();
        await foreach (var entry in store.ReadAsync(worker, from, to)) result.Add($"{entry.Index}:{Encoding.UTF8.GetString(entry.Payload.Span)}");
        return result;
    }

    public static async Task<List<WorkerId>> ListAsync(IOplogStore store, string? component = null, string? after = null)
    {
        var result = new List<WorkerId>();
        await foreach (var id in store.ListWorkersAsync(component, after)) result.Add(id);
        return result;
    }
}
