namespace Clay.Sdk.Model;

/// <summary>The .NET shapes of <c>list&lt;T&gt;</c>: what a runtime builds for an argument.</summary>
public enum ListKind
{
    /// <summary><c>T[]</c>.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c> and the list interfaces it implements.</summary>
    List,

    /// <summary><c>ImmutableArray&lt;T&gt;</c>.</summary>
    ImmutableArray,
}
