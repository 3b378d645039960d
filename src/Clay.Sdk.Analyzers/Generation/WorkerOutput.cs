using System;
using System.Collections.Generic;
using System.Linq;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>What the generator produces for one worker class: a source file (none after a problem) and diagnostics. Compared by value, so unchanged workers are not written again.</summary>
internal sealed class WorkerOutput(string hintName, string? source, IReadOnlyList<DiagnosticInfo> diagnostics) : IEquatable<WorkerOutput>
{
    public string HintName { get; } = hintName;

    public string? Source { get; } = source;

    public IReadOnlyList<DiagnosticInfo> Diagnostics { get; } = diagnostics;

    public bool Equals(WorkerOutput? other) =>
        other is not null && HintName == other.HintName && Source == other.Source && Diagnostics.SequenceEqual(other.Diagnostics);

    public override bool Equals(object? obj) => Equals(obj as WorkerOutput);

    public override int GetHashCode() => (HintName, Source).GetHashCode();
}
