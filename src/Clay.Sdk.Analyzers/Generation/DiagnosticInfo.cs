using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>A diagnostic the generator reports, held without syntax trees so generator outputs compare by value.</summary>
internal sealed class DiagnosticInfo(DiagnosticDescriptor descriptor, string? path, TextSpan span, LinePositionSpan lines, string[] arguments)
    : IEquatable<DiagnosticInfo>
{
    public DiagnosticDescriptor Descriptor { get; } = descriptor;

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
    {
        var inSource = location is not null && location.IsInSource;
        return new DiagnosticInfo(descriptor, inSource ? location!.SourceTree!.FilePath : null, inSource ? location!.SourceSpan : default,
            inSource ? location!.GetLineSpan().Span : default, arguments);
    }

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, path is null ? Location.None : Location.Create(path, span, lines), arguments.Cast<object>().ToArray());

    public bool Equals(DiagnosticInfo? other) =>
        other is not null && Descriptor.Id == other.Descriptor.Id && path == other.Path && span == other.Span && arguments.SequenceEqual(other.Arguments);

    public override bool Equals(object? obj) => Equals(obj as DiagnosticInfo);

    public override int GetHashCode() => (Descriptor.Id, path, span).GetHashCode();

    private string? Path => path;

    private TextSpan Span => span;

    private string[] Arguments => arguments;
}
