namespace Clay.Server.Components;

/// <summary>
/// What a component package may hold. Each bound is enforced on the bytes actually received or
/// inflated, never on what the zip's headers claim.
/// </summary>
public sealed record PackageLimits
{
    /// <summary>The largest upload (the zip as sent); <c>--max-package-size</c>.</summary>
    public long MaxPackageBytes { get; init; } = 64L << 20;

    /// <summary>The most bytes all entries may inflate to together; <c>--max-unpacked-size</c>.</summary>
    public long MaxUnpackedBytes { get; init; } = 256L << 20;

    /// <summary>The most bytes one entry may inflate to; <c>--max-package-entry-size</c>.</summary>
    public long MaxEntryBytes { get; init; } = 64L << 20;

    /// <summary>The most entries (files and folders) a package may hold; <c>--max-package-entries</c>.</summary>
    public int MaxEntries { get; init; } = 4096;

    /// <summary>The largest manifest (<c>clay-component.json</c>); <c>--max-manifest-size</c>.</summary>
    public long MaxManifestBytes { get; init; } = 1L << 20;

    /// <summary>How many uploads are received and checked at once; others wait their turn; <c>--max-concurrent-uploads</c>.</summary>
    public int MaxConcurrentUploads { get; init; } = 2;
}
