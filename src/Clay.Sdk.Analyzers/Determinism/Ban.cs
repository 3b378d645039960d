using Microsoft.CodeAnalysis;

namespace Clay.Sdk.Analyzers.Determinism;

/// <summary>A banned API: the diagnostic it gets and, when a mechanical fix exists, its <see cref="FixKind"/>.</summary>
internal sealed class Ban(DiagnosticDescriptor rule, string? fix = null)
{
    public DiagnosticDescriptor Rule { get; } = rule;

    public string? Fix { get; } = fix;
}
