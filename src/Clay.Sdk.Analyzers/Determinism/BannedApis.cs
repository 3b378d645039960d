using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using R = Clay.Sdk.Analyzers.Determinism.DeterminismRules;

namespace Clay.Sdk.Analyzers.Determinism;

/// <summary>
/// The APIs that make a worker nondeterministic, resolved against one compilation: members looked up
/// by (type, name) — <c>*</c> standing for every static member of the type — and types whose
/// construction is flagged.
/// </summary>
internal sealed class BannedApis
{
    private const string AnyStatic = "*";

    private readonly Dictionary<INamedTypeSymbol, Dictionary<string, Ban>> _members = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<INamedTypeSymbol, Ban> _creations = new(SymbolEqualityComparer.Default);
    private readonly INamespaceSymbol? _sockets;
    private readonly INamedTypeSymbol? _random;
    private readonly INamedTypeSymbol? _string;
    private readonly HashSet<INamedTypeSymbol> _pathReaders = new(SymbolEqualityComparer.Default);

    private BannedApis(Compilation compilation)
    {
        Member(compilation, "System.DateTime", "Now", new Ban(R.DateTimeNow, FixKind.DateTime));
        Member(compilation, "System.DateTime", "UtcNow", new Ban(R.DateTimeNow, FixKind.DateTime));
        Member(compilation, "System.DateTime", "Today", new Ban(R.DateTimeNow, FixKind.DateTimeToday));
        Member(compilation, "System.DateTimeOffset", "Now", new Ban(R.DateTimeOffsetNow, FixKind.DateTimeOffset));
        Member(compilation, "System.DateTimeOffset", "UtcNow", new Ban(R.DateTimeOffsetNow, FixKind.DateTimeOffset));
        Member(compilation, "System.Diagnostics.Stopwatch", AnyStatic, new Ban(R.Stopwatch));
        Creation(compilation, "System.Diagnostics.Stopwatch", new Ban(R.Stopwatch));
        Member(compilation, "System.Environment", "TickCount", new Ban(R.TickCount, FixKind.TickCount));
        Member(compilation, "System.Environment", "TickCount64", new Ban(R.TickCount, FixKind.TickCount64));
        Member(compilation, "System.Environment", "GetEnvironmentVariable", new Ban(R.EnvironmentVariable, FixKind.EnvironmentVariable));
        Member(compilation, "System.Environment", "GetEnvironmentVariables", new Ban(R.EnvironmentVariable));
        Member(compilation, "System.Random", "Shared", new Ban(R.Random, FixKind.Random));
        Creation(compilation, "System.Random", new Ban(R.Random, FixKind.Random));
        Member(compilation, "System.Security.Cryptography.RandomNumberGenerator", AnyStatic, new Ban(R.Random));
        Member(compilation, "System.Guid", "NewGuid", new Ban(R.NewGuid, FixKind.NewGuid));
        Member(compilation, "System.Guid", "CreateVersion7", new Ban(R.NewGuid));
        Creation(compilation, "System.Net.Http.HttpClient", new Ban(R.HttpClient, FixKind.HttpClient));
        Creation(compilation, "System.Net.Http.HttpClientHandler", new Ban(R.HttpClient));
        Creation(compilation, "System.Net.Http.SocketsHttpHandler", new Ban(R.HttpClient));
        Member(compilation, "System.Threading.Tasks.Task", "Run", new Ban(R.TaskRun));
        Member(compilation, "System.Threading.Tasks.TaskFactory", "StartNew", new Ban(R.TaskRun));
        Member(compilation, "System.Threading.Tasks.TaskFactory`1", "StartNew", new Ban(R.TaskRun));
        Member(compilation, "System.Threading.Tasks.Task", "Delay", new Ban(R.TaskDelay, FixKind.Delay));
        Member(compilation, "System.Threading.Thread", "Sleep", new Ban(R.ThreadSleep, FixKind.Sleep));
        Creation(compilation, "System.Threading.Thread", new Ban(R.Thread));
        Member(compilation, "System.Threading.ThreadPool", AnyStatic, new Ban(R.Thread));
        Creation(compilation, "System.Threading.Timer", new Ban(R.Thread));
        Creation(compilation, "System.Timers.Timer", new Ban(R.Thread));
        Creation(compilation, "System.Threading.PeriodicTimer", new Ban(R.Thread));
        Member(compilation, "System.Threading.Tasks.Parallel", AnyStatic, new Ban(R.Parallel));
        Member(compilation, "System.Linq.ParallelEnumerable", "AsParallel", new Ban(R.Parallel));
        Member(compilation, "System.IO.File", AnyStatic, new Ban(R.FileIo));
        Member(compilation, "System.IO.Directory", AnyStatic, new Ban(R.FileIo));
        Member(compilation, "System.IO.Path", "GetTempFileName", new Ban(R.FileIo));
        Member(compilation, "System.IO.Path", "GetTempPath", new Ban(R.FileIo));
        Member(compilation, "System.IO.Path", "GetRandomFileName", new Ban(R.FileIo));
        Creation(compilation, "System.IO.FileStream", new Ban(R.FileIo));
        Creation(compilation, "System.IO.FileInfo", new Ban(R.FileIo));
        Creation(compilation, "System.IO.DirectoryInfo", new Ban(R.FileIo));
        Creation(compilation, "System.IO.DriveInfo", new Ban(R.FileIo));
        Creation(compilation, "System.IO.FileSystemWatcher", new Ban(R.FileIo));
        Member(compilation, "System.Net.Dns", AnyStatic, new Ban(R.Network));
        Member(compilation, "System.Net.WebRequest", AnyStatic, new Ban(R.Network));
        Creation(compilation, "System.Net.WebClient", new Ban(R.Network));
        Creation(compilation, "System.Net.HttpListener", new Ban(R.Network));
        _sockets = compilation.GetTypeByMetadataName("System.Net.Sockets.Socket")?.ContainingNamespace;
        _random = compilation.GetTypeByMetadataName("System.Random");
        _string = compilation.GetSpecialType(SpecialType.System_String);
        foreach (var name in new[] { "System.IO.StreamReader", "System.IO.StreamWriter" })
        {
            if (compilation.GetTypeByMetadataName(name) is { } type) _pathReaders.Add(type);
        }
    }

    public static BannedApis Create(Compilation compilation) => new(compilation);

    /// <summary>The ban on a static member (or a named instance member) of a type, or null.</summary>
    public Ban? ForMember(ISymbol member)
    {
        var type = member.ContainingType?.OriginalDefinition;
        if (type is null) return null;
        if (_members.TryGetValue(type, out var byName))
        {
            if (byName.TryGetValue(member.Name, out var ban)) return ban;
            if (member.IsStatic && byName.TryGetValue(AnyStatic, out ban)) return ban;
        }
        return member.IsStatic && IsSocketType(type) ? new Ban(R.Network) : null;
    }

    /// <summary>The ban on constructing <paramref name="type"/> with <paramref name="constructor"/>, or null.</summary>
    public Ban? ForCreation(INamedTypeSymbol type, IMethodSymbol? constructor)
    {
        if (IsSocketType(type)) return new Ban(R.Network);
        if (_pathReaders.Contains(type))
        {
            // A reader or writer over a stream is fine; one that opens a path is file access.
            return constructor is { Parameters.Length: > 0 } && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, _string)
                ? new Ban(R.FileIo)
                : null;
        }
        if (SymbolEqualityComparer.Default.Equals(type, _random) && constructor is { Parameters.Length: > 0 })
        {
            return null; // a seeded Random replays the same sequence
        }
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (_creations.TryGetValue(current.OriginalDefinition, out var ban)) return ban;
        }
        return null;
    }

    private bool IsSocketType(INamedTypeSymbol type) =>
        _sockets is not null && SymbolEqualityComparer.Default.Equals(type.ContainingNamespace, _sockets);

    private void Member(Compilation compilation, string typeName, string member, Ban ban)
    {
        if (compilation.GetTypeByMetadataName(typeName) is not { } type) return;
        if (!_members.TryGetValue(type, out var byName))
        {
            byName = new Dictionary<string, Ban>(System.StringComparer.Ordinal);
            _members.Add(type, byName);
        }
        byName[member] = ban;
    }

    private void Creation(Compilation compilation, string typeName, Ban ban)
    {
        if (compilation.GetTypeByMetadataName(typeName) is { } type) _creations[type] = ban;
    }
}
