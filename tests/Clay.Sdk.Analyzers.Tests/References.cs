using System.Collections.Immutable;
using Clay.Sdk;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Clay.Sdk.Analyzers.Tests;

/// <summary>
/// What test compilations reference: the .NET reference assemblies installed with the SDK (no
/// download) and Clay.Sdk.
/// </summary>
internal static class References
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Loaded = new(Load);

    /// <summary>Every reference a component compiles against.</summary>
    public static ImmutableArray<MetadataReference> All => Loaded.Value;

    /// <summary>No package to resolve: the references are added explicitly.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static void AddTo(SolutionState state)
    {
        state.AdditionalReferences.AddRange(All);
    }

    private static ImmutableArray<MetadataReference> Load()
    {
        // .../dotnet/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll → .../dotnet
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnet = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var packs = Path.Combine(dotnet, "packs", "Microsoft.NETCore.App.Ref");
        var refs = Directory.Exists(packs)
            ? Directory.GetDirectories(packs).OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version())
                .Select(d => Path.Combine(d, "ref", "net" + Environment.Version.ToString(2)))
                .FirstOrDefault(Directory.Exists)
            : null;
        var files = refs is not null
            ? Directory.GetFiles(refs, "*.dll")
            : ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
                .ToArray();
        return [.. files.Select(f => (MetadataReference)MetadataReference.CreateFromFile(f)), MetadataReference.CreateFromFile(typeof(WorkerContext).Assembly.Location)];
    }
}
