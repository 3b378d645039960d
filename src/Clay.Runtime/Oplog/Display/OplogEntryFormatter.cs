using Clay.Runtime.Components;
using Clay.Runtime.Values;

namespace Clay.Runtime.Oplog.Display;

/// <summary>One named, printed field of an entry shown to a user.</summary>
/// <param name="Name">Kebab-case field name, for example <c>idempotency-key</c>.</param>
/// <param name="Value">The field's text; values are WAVE.</param>
public sealed record DisplayField(string Name, string Value);

/// <summary>An oplog entry prepared for display and for queries.</summary>
/// <param name="Kind">Kebab-case kind name, for example <c>exported-function-invoked</c>.</param>
/// <param name="Fields">The fields in display order.</param>
/// <param name="Values">The structured values the entry carries (arguments, results, effect data), for queries that look into record fields.</param>
public sealed record OplogEntryDisplay(string Kind, IReadOnlyList<DisplayField> Fields, IReadOnlyList<Value> Values);

/// <summary>Renders oplog entries as readable fields: what <c>clay worker oplog</c> prints.</summary>
public static class OplogEntryFormatter
{
    /// <summary>The kebab-case name of an entry kind.</summary>
    public static string KindName(OplogEntryKind kind) => KebabCase.FromPascal(kind.ToString());

    /// <summary>Prepares <paramref name="entry"/> for display, printing values with <paramref name="print"/>.</summary>
    public static OplogEntryDisplay Format(OplogEntry entry, Func<Value, string> print)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(print);
        var fields = new OplogEntryFields(print);
        entry.Describe(fields);
        return new OplogEntryDisplay(KindName(entry.Kind), fields.Fields, fields.Values);
    }
}
