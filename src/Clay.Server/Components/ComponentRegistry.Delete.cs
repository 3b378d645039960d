using Clay.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace Clay.Server.Components;

public sealed partial class ComponentRegistry
{
    /// <summary>
    /// Deletes one version of <paramref name="name"/>, or every version left when
    /// <paramref name="version"/> is null. While <paramref name="usersOf"/> looks for workers on those
    /// versions, new workers no longer start on them; when it finds some and the delete is not
    /// <paramref name="force"/>d, nothing changes and <c>component-in-use</c> is thrown. Otherwise the
    /// versions are recorded deleted (durably, first) and their files removed. Their numbers are never
    /// given to another package.
    /// </summary>
    /// <param name="name">The component.</param>
    /// <param name="version">The version, or null for all.</param>
    /// <param name="force">Delete even when workers use the versions: they keep their oplogs but cannot run.</param>
    /// <param name="usersOf">Counts the workers on the given versions and names a few of them.</param>
    /// <param name="cancellationToken">Cancels the search for workers (nothing is deleted then).</param>
    /// <returns>The deleted versions and how many workers were on them.</returns>
    public async Task<(IReadOnlyList<long> Versions, long Workers)> DeleteAsync(string name, long? version, bool force,
        Func<string, IReadOnlySet<long>, CancellationToken, Task<(long Count, IReadOnlyList<string> Examples)>> usersOf,
        CancellationToken cancellationToken)
    {
        if (_shared is not null)
        {
            throw new ClayException(ServerErrorCodes.InvalidRequest,
                "component versions cannot be deleted from a cluster's shared registry yet; delete their workers instead");
        }
        IReadOnlyList<long> versions = version is { } one ? [Get(name, one).Version] : Live(name);
        if (versions.Count == 0) throw NotFound(name, null);
        await _registerGate.WaitAsync(cancellationToken);
        try
        {
            foreach (var v in versions) _retiring[(name, v)] = true;
            var (count, examples) = await usersOf(name, versions.ToHashSet(), cancellationToken);
            if (count > 0 && !force)
            {
                var which = version is null ? $"component {name}" : $"version {version} of component {name}";
                var more = count > examples.Count ? $" and {count - examples.Count:N0} more" : "";
                throw new ClayException(ServerErrorCodes.ComponentInUse,
                    $"{which} is used by {count:N0} worker{(count == 1 ? "" : "s")} ({string.Join(", ", examples)}{more}); delete them first, or delete with --force (they keep their oplogs but cannot run)");
            }
            MarkDeleted(name, versions, DateTimeOffset.UtcNow);
            foreach (var v in versions)
            {
                _loaded.TryRemove((name, v), out _);
                TryDelete(VersionDirectory(name, v));
            }
            _logger.LogInformation("Component {Name} versions {Versions} deleted ({Workers} workers were on them)", name, string.Join(", ", versions), count);
            return (versions, count);
        }
        finally
        {
            foreach (var v in versions) _retiring.TryRemove((name, v), out _);
            _registerGate.Release();
        }
    }

    private List<long> Live(string name)
    {
        if (!_records.TryGetValue(name, out var records)) throw NotFound(name, null);
        lock (records) return records.Where(r => r.DeletedAt is null).Select(r => r.Version).ToList();
    }
}
