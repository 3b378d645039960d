using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Clay.Sdk.Analyzers.Determinism;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Clay.Sdk.Analyzers.CodeFixes;

/// <summary>
/// Rewrites a flagged call to its <c>WorkerContext</c> equivalent: the clock, random numbers, GUIDs,
/// the durable HTTP client, durable sleeps, the worker's environment, and removes
/// <c>ConfigureAwait(false)</c>. The context is the nearest local, parameter, field or
/// primary-constructor parameter of type <c>WorkerContext</c>, else <c>WorkerContext.Current!</c>.
/// </summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(DeterminismCodeFixProvider))]
public sealed class DeterminismCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
    [
        DeterminismRules.DateTimeNow.Id, DeterminismRules.DateTimeOffsetNow.Id, DeterminismRules.TickCount.Id,
        DeterminismRules.Random.Id, DeterminismRules.NewGuid.Id, DeterminismRules.HttpClient.Id, DeterminismRules.TaskDelay.Id,
        DeterminismRules.ThreadSleep.Id, DeterminismRules.ConfigureAwaitFalse.Id, DeterminismRules.EnvironmentVariable.Id,
    ];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FixKind.Property, out var kind) || kind is null) continue;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (kind == FixKind.ConfigureAwait)
            {
                RegisterConfigureAwait(context, diagnostic, root, node);
                continue;
            }
            var (contextExpression, fallback) = ContextLocator.Find(model, node);
            var rewrite = Rewrites.For(kind, node, model, contextExpression);
            if (rewrite is null) continue;
            var (oldNode, newNode, title) = rewrite.Value;
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ApplyAsync(context.Document, root, model, oldNode, newNode, fallback, kind, ct), equivalenceKey: "Clay." + kind),
                diagnostic);
        }
    }

    private static void RegisterConfigureAwait(CodeFixContext context, Diagnostic diagnostic, SyntaxNode root, SyntaxNode node)
    {
        if (node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Expression: MemberAccessExpressionSyntax access } invocation) return;
        var removed = access.Expression.WithTriviaFrom(invocation);
        context.RegisterCodeFix(
            CodeAction.Create("Remove ConfigureAwait(false)", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(invocation, removed))),
                equivalenceKey: "Clay.ConfigureAwait.Remove"),
            diagnostic);
        var argument = invocation.ArgumentList.Arguments.FirstOrDefault(a => a.Expression.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.FalseLiteralExpression));
        if (argument is null) return;
        var withTrue = argument.WithExpression(Microsoft.CodeAnalysis.CSharp.SyntaxFactory.LiteralExpression(Microsoft.CodeAnalysis.CSharp.SyntaxKind.TrueLiteralExpression)
            .WithTriviaFrom(argument.Expression));
        context.RegisterCodeFix(
            CodeAction.Create("Use ConfigureAwait(true)", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(argument, withTrue))),
                equivalenceKey: "Clay.ConfigureAwait.True"),
            diagnostic);
    }

    private static Task<Document> ApplyAsync(Document document, SyntaxNode root, SemanticModel model, SyntaxNode oldNode, SyntaxNode newNode,
        bool fallback, string kind, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var position = oldNode.SpanStart;
        var updated = root.ReplaceNode(oldNode, newNode);
        if (updated is CompilationUnitSyntax unit)
        {
            if (fallback && !Imports.Binds(model, position, "WorkerContext", "Clay.Sdk")) unit = Imports.Add(unit, "Clay.Sdk");
            if (kind == FixKind.EnvironmentVariable && !Imports.Binds(model, position, "CollectionExtensions", "System.Collections.Generic"))
            {
                unit = Imports.Add(unit, "System.Collections.Generic");
            }
            updated = unit;
        }
        return Task.FromResult(document.WithSyntaxRoot(updated));
    }
}
