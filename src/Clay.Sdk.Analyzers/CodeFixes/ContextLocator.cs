using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Clay.Sdk.Analyzers.CodeFixes;

/// <summary>
/// Finds how code at a position reaches its worker's durable context: a local or parameter of type
/// <c>WorkerContext</c>, else a field or property, else a primary-constructor parameter, else
/// <c>WorkerContext.Current!</c>.
/// </summary>
internal static class ContextLocator
{
    public const string Fallback = "WorkerContext.Current!";

    /// <summary>The expression text for the context at <paramref name="node"/>, and whether it is the <see cref="Fallback"/>.</summary>
    public static (string Expression, bool IsFallback) Find(SemanticModel model, SyntaxNode node)
    {
        var contextType = model.Compilation.GetTypeByMetadataName(Determinism.WorkerScope.WorkerContext);
        if (contextType is null) return (Fallback, true);
        var position = node.SpanStart;
        var isStatic = IsStaticContext(node);
        ISymbol? best = null;
        var bestRank = int.MaxValue;
        foreach (var symbol in model.LookupSymbols(position))
        {
            var rank = Rank(symbol, contextType, position, isStatic);
            if (rank < bestRank)
            {
                best = symbol;
                bestRank = rank;
            }
        }
        return best is null ? (Fallback, true) : (best.Name, false);
    }

    /// <summary>Lower is preferred; <see cref="int.MaxValue"/> means unusable.</summary>
    private static int Rank(ISymbol symbol, INamedTypeSymbol contextType, int position, bool isStatic)
    {
        switch (symbol)
        {
            case ILocalSymbol local when Determinism.WorkerScope.DerivesFrom(local.Type, contextType):
                var declared = local.DeclaringSyntaxReferences.FirstOrDefault();
                return declared is not null && declared.Span.End <= position ? 0 : int.MaxValue;
            case IParameterSymbol parameter when Determinism.WorkerScope.DerivesFrom(parameter.Type, contextType):
                var primary = parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor
                              && ctor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax);
                if (!primary) return 0;
                return isStatic ? int.MaxValue : 2;
            case IFieldSymbol field when Determinism.WorkerScope.DerivesFrom(field.Type, contextType):
                return field.IsStatic || !isStatic ? 1 : int.MaxValue;
            case IPropertySymbol property when Determinism.WorkerScope.DerivesFrom(property.Type, contextType) && property.Name != "Current":
                return property.IsStatic || !isStatic ? 1 : int.MaxValue;
            default:
                return int.MaxValue;
        }
    }

    private static bool IsStaticContext(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax lambda when lambda.Modifiers.Any(SyntaxKind.StaticKeyword):
                case LocalFunctionStatementSyntax local when local.Modifiers.Any(SyntaxKind.StaticKeyword):
                    return true;
                case MemberDeclarationSyntax member when member is not TypeDeclarationSyntax:
                    return member.Modifiers.Any(SyntaxKind.StaticKeyword) || member.Modifiers.Any(SyntaxKind.ConstKeyword);
                case TypeDeclarationSyntax:
                    return false;
            }
        }
        return true;
    }
}
