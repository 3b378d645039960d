using Clay.Sdk.Analyzers.CodeFixes;
using Clay.Sdk.Analyzers.Determinism;
using Clay.Sdk.Analyzers.Generation;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Clay.Sdk.Analyzers.Tests;

/// <summary>The Roslyn test harnesses, set up with the references of a Clay component.</summary>
internal static class Verify
{
    public static async Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<DeterminismAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = References.None,
        };
        References.AddTo(test.TestState);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    public static async Task CodeFixAsync(string source, string fixedSource, int codeActionIndex = 0)
    {
        var test = new CSharpCodeFixTest<DeterminismAnalyzer, DeterminismCodeFixProvider, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
            ReferenceAssemblies = References.None,
            CodeActionIndex = codeActionIndex,
        };
        References.AddTo(test.TestState);
        References.AddTo(test.FixedState);
        await test.RunAsync();
    }

    public static async Task GeneratorAsync(string source, IEnumerable<(string HintName, string Text)> generated, params DiagnosticResult[] expected)
    {
        var test = new CSharpSourceGeneratorTest<WorkerModelGenerator, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = References.None,
        };
        References.AddTo(test.TestState);
        foreach (var (hintName, text) in generated)
        {
            test.TestState.GeneratedSources.Add((typeof(WorkerModelGenerator), hintName, text));
        }
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
