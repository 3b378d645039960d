using Clay.Client.Contracts;

namespace Clay.Testing.Replay;

/// <summary>Where a replay left the recorded history: the entry, what it recorded, and what the code did instead.</summary>
/// <param name="EntryIndex">The oplog index of the recorded entry the code did not match.</param>
/// <param name="Expected">What the history recorded there, for example <c>the result "ok"</c> or an effect's name.</param>
/// <param name="Actual">What the code attempted instead.</param>
/// <param name="Entry">The recorded entry itself, as the export holds it (kind and fields), when the index is in the export.</param>
public sealed record ReplayDivergence(long EntryIndex, string Expected, string Actual, OplogEntryDto? Entry)
{
    /// <summary>One line: the index, the entry's kind, both sides.</summary>
    public override string ToString() =>
        $"nondeterminism at oplog entry {EntryIndex}{(Entry is null ? "" : $" ({Entry.Kind})")}: the history recorded {Expected}, but the code attempted {Actual}";
}
