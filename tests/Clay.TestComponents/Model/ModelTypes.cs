using System.Collections.Immutable;
using System.Text;
using Clay.Sdk;

namespace Clay.TestComponents.Model;

/// <summary>An enum.</summary>
public enum Shade
{
    /// <summary>Light.</summary>
    Light,
    /// <summary>Dark, renamed.</summary>
    [ClayName("very-dark")] Dark,
}

/// <summary>Flags, with a combined member that is not a flag.</summary>
[Flags]
public enum Permissions : byte
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>Read.</summary>
    Read = 1,
    /// <summary>Write.</summary>
    Write = 2,
    /// <summary>Both; not a flag of its own.</summary>
    ReadWrite = 3,
    /// <summary>Share.</summary>
    ShareLink = 8,
}

/// <summary>A positional record with every kind of field.</summary>
public sealed record Sample(
    string Id,
    IReadOnlyList<string> Tags,
    double? Weight,
    string? Note,
    (ushort Width, ushort Height) Size,
    Shade Shade,
    Permissions Permissions,
    ImmutableArray<long> Readings,
    Rune Initial);

/// <summary>A class built through its setters, renamed.</summary>
[ClayName("settings-v2")]
public sealed class Settings
{
    /// <summary>A name.</summary>
    public string Name { get; set; } = "";

    /// <summary>A count with its own interface name.</summary>
    [ClayName("how-many")]
    public int Count { get; init; }

    /// <summary>Left out of the interface.</summary>
    [ClayIgnore]
    public string Hidden { get; set; } = "";
}

/// <summary>A struct.</summary>
public readonly record struct Point(int X, int Y);

/// <summary>A base record whose property comes first in a derived record.</summary>
public record Entity(string Key);

/// <summary>Inherits <see cref="Entity.Key"/>.</summary>
public sealed record Named(string Key, string Label) : Entity(Key);

/// <summary>A variant with cases of no, one and several properties.</summary>
public abstract record Event
{
    private Event() { }

    /// <summary>No payload.</summary>
    public sealed record Started : Event;

    /// <summary>One payload.</summary>
    public sealed record Moved(Point To) : Event;

    /// <summary>A record payload.</summary>
    public sealed record Renamed(string From, string To, uint Times) : Event;

    /// <summary>Renamed case.</summary>
    [ClayName("gone")]
    public sealed record Stopped(string? Reason) : Event;
}
