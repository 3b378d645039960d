using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>
/// Generates, for each <c>[ClayWorker]</c> class, its export model and interface at compile time:
/// a class implementing <c>Clay.Sdk.Model.IWorkerModel</c> and an assembly attribute pointing at it.
/// The runtime loads a component through it without reflection over its members or compiled
/// expressions; a type the interface cannot express is a compile error at the member at fault.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class WorkerModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var workers = context.SyntaxProvider.ForAttributeWithMetadataName(
            Determinism.WorkerScope.WorkerAttribute,
            static (node, _) => node is TypeDeclarationSyntax,
            static (attributed, _) => Generate((INamedTypeSymbol)attributed.TargetSymbol, attributed.SemanticModel.Compilation));
        context.RegisterSourceOutput(workers, static (output, worker) =>
        {
            foreach (var diagnostic in worker.Diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (worker.Source is not null) output.AddSource(worker.HintName, worker.Source);
        });
    }

    private static WorkerOutput Generate(INamedTypeSymbol worker, Compilation compilation)
    {
        var (shape, problems) = WorkerBuilder.Build(worker, compilation);
        var hintName = worker.ToDisplayString().Replace('<', '_').Replace('>', '_') + ".ClayModel.g.cs";
        if (shape is null) return new WorkerOutput(hintName, null, problems);
        var wit = WitWriter.Interface(shape);
        return new WorkerOutput(hintName, SourceWriter.Write(shape, wit), problems);
    }
}
