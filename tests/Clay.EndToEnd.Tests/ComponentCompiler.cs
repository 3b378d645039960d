using System.IO.Compression;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Clay.EndToEnd.Tests;

/// <summary>Compiles a component from C# source with Roslyn and packs it as `clay app build` would.</summary>
public static class ComponentCompiler
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("Clay.", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(Path.Combine(ClayInstallation.BinDirectory, "Clay.Sdk.dll")))
            .ToArray());

    /// <summary>The assembly compiled from <paramref name="source"/> (usings for System, System.Diagnostics and Clay.Sdk are implied).</summary>
    public static byte[] Compile(string assemblyName, string source)
    {
        const string usings = "using System; using System.Diagnostics; using System.Threading.Tasks; using Clay.Sdk;\n";
        var compilation = CSharpCompilation.Create(assemblyName, [CSharpSyntaxTree.ParseText(usings + source)], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var emitted = compilation.Emit(output);
        Assert.True(emitted.Success, string.Join('\n', emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return output.ToArray();
    }

    /// <summary>A package of <paramref name="source"/> compiled as <paramref name="assemblyName"/>, plus any extra files.</summary>
    public static byte[] Package(string assemblyName, string source, params (string Name, byte[] Content)[] extra)
    {
        var manifest = Encoding.UTF8.GetBytes($$"""{"name":"test","entryAssembly":"{{assemblyName}}.dll"}""");
        return Zip([("clay-component.json", manifest), ($"{assemblyName}.dll", Compile(assemblyName, source)), .. extra]);
    }

    /// <summary>A zip of the given files.</summary>
    public static byte[] Zip(params (string Name, byte[] Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }
}
