using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Clay.Sdk.Analyzers.CodeFixes;

/// <summary>Adds a <c>using</c> directive when a fix introduces a name the file cannot yet see.</summary>
internal static class Imports
{
    /// <summary>True when <paramref name="typeName"/> at <paramref name="position"/> binds to a type of <paramref name="ns"/>.</summary>
    public static bool Binds(SemanticModel model, int position, string typeName, string ns) =>
        model.LookupNamespacesAndTypes(position, name: typeName).Any(s => s.ContainingNamespace?.ToDisplayString() == ns);

    /// <summary>The unit with <c>using <paramref name="ns"/>;</c> after its other usings.</summary>
    public static CompilationUnitSyntax Add(CompilationUnitSyntax unit, string ns)
    {
        if (unit.Usings.Any(u => u.Name?.ToString() == ns)) return unit;
        var newline = unit.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var eol = newline.IsKind(SyntaxKind.EndOfLineTrivia) ? newline : SyntaxFactory.EndOfLine("\n");
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns)).NormalizeWhitespace().WithTrailingTrivia(eol);
        if (unit.Usings.Count > 0) return unit.AddUsings(directive);
        // The first using of the file: keep the file's leading comments above it and a blank line below.
        var leading = unit.GetLeadingTrivia();
        var stripped = unit.WithLeadingTrivia(SyntaxFactory.TriviaList());
        return stripped.AddUsings(directive.WithLeadingTrivia(leading).WithTrailingTrivia(eol, eol));
    }
}
