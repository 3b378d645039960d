using Clay.Sdk.Analyzers.Generation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Clay.Sdk.Analyzers.Tests;

/// <summary>Runs the generator over a source file and reads what it produced.</summary>
internal static class GeneratorDriver
{
    public static (Compilation Output, IReadOnlyList<Diagnostic> Diagnostics) Run(string source)
    {
        var compilation = CSharpCompilation.Create("Component",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Worker.cs")],
            References.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new WorkerModelGenerator())
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, [.. diagnostics, .. output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)]);
    }

    /// <summary>The WIT text the generated model of <paramref name="workerMetadataName"/> carries.</summary>
    public static string Wit(string source, string workerMetadataName)
    {
        var (output, diagnostics) = Run(source);
        Assert.Empty(diagnostics);
        var model = output.GetTypeByMetadataName("Clay.Generated." + workerMetadataName.Replace('.', '_') + "_ClayModel");
        Assert.NotNull(model);
        return (string)model.GetMembers("Interface").OfType<IFieldSymbol>().Single().ConstantValue!;
    }
}
