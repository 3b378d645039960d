namespace Clay.Server.Components;

/// <summary>A stored component version.</summary>
/// <param name="Name">The component's name.</param>
/// <param name="Version">Its version, from 0.</param>
/// <param name="Id">The component's id (the same for all versions).</param>
/// <param name="Size">The package size in bytes.</param>
/// <param name="Hash">The package's content hash.</param>
/// <param name="CreatedAt">When the version was uploaded.</param>
/// <param name="EntryAssembly">The assembly holding the worker class.</param>
/// <param name="Wit">The exported interface as WIT-like text.</param>
/// <param name="InterfaceJson">The interface description, for typing arguments without loading the component.</param>
/// <param name="DeletedAt">When the version was deleted; its number is never given to another package.</param>
public sealed record ComponentRecord(string Name, long Version, Guid Id, long Size, string Hash, DateTimeOffset CreatedAt,
    string EntryAssembly, string Wit, string InterfaceJson, DateTimeOffset? DeletedAt = null);
