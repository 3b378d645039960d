using System.Runtime.CompilerServices;
using Clay.Runtime;
using Clay.Runtime.Storage;

namespace Clay.Storage.Sqlite;

/// <summary>Listing and counting workers, from the <c>workers</c> table's (component, name) index.</summary>
public sealed partial class SqliteOplogStore
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, string? after = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        StoreArguments.ThrowIfAfterWithoutComponent(component, after);
        // Read in name order from the workers table's (component, name) index, a page at a time: the
        // first page of a component with a million workers costs a page, not a sort of the million.
        var next = (Component: component ?? "", Name: after ?? "");
        while (true)
        {
            var page = ReadWorkerPage(component, next.Component, next.Name, 512);
            foreach (var id in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return id;
            }
            if (page.Count < 512) yield break;
            next = (page[^1].Component, page[^1].Worker);
            await Task.Yield();
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, long>> CountWorkersAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var connection = OpenRead();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT component, COUNT(*) FROM workers GROUP BY component";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return ValueTask.FromResult<IReadOnlyDictionary<string, long>>(counts);
    }

    /// <summary>Up to <paramref name="limit"/> workers after (<paramref name="component"/>, <paramref name="name"/>) in name order.</summary>
    private List<WorkerId> ReadWorkerPage(string? only, string component, string name, int limit)
    {
        using var connection = OpenRead();
        connection.Open();
        using var command = connection.CreateCommand();
        // Names are ASCII (Names.cs), so SQLite's byte order is the ordinal order callers expect.
        // Every row has entries: a worker whose oplog is dropped to nothing loses its row too.
        command.CommandText = only is null
            ? "SELECT component, name FROM workers WHERE (component, name) > ($c, $n) ORDER BY component, name LIMIT $limit"
            : "SELECT component, name FROM workers WHERE component = $c AND name > $n ORDER BY component, name LIMIT $limit";
        command.Parameters.AddWithValue("$c", component);
        command.Parameters.AddWithValue("$n", name);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var page = new List<WorkerId>(limit);
        while (reader.Read()) page.Add(new WorkerId(reader.GetString(0), reader.GetString(1)));
        return page;
    }
}
