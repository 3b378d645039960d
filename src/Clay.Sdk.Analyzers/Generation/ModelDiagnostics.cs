using Microsoft.CodeAnalysis;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>
/// The export model's diagnostics, CLAY100–CLAY110: a worker class Clay cannot export is a
/// compile error at the member at fault, not a failure when the component is built or deployed.
/// </summary>
public static class ModelDiagnostics
{
    private const string Category = "Clay.Model";

    /// <summary>CLAY100: a parameter, result or field type the interface cannot express.</summary>
    public static readonly DiagnosticDescriptor UnsupportedType = Error("CLAY100", "Type not supported in a worker's interface",
        "{0}: type {1} is not supported{2}");

    /// <summary>CLAY101: a type that contains itself.</summary>
    public static readonly DiagnosticDescriptor RecursiveType = Error("CLAY101", "Recursive type in a worker's interface",
        "{0}: type {1} refers to itself; recursive types are not supported");

    /// <summary>CLAY102: a record or case without a usable constructor.</summary>
    public static readonly DiagnosticDescriptor NotConstructible = Error("CLAY102", "Type cannot be constructed from its fields",
        "{0}: type {1} cannot be constructed: give it a constructor whose parameters match its properties, or a parameterless one and settable properties");

    /// <summary>CLAY103: ref, out and in parameters.</summary>
    public static readonly DiagnosticDescriptor ByRefParameter = Error("CLAY103", "ref and out parameters cannot be exported",
        "{0}: ref, out and in parameters are not supported");

    /// <summary>CLAY104: generic methods.</summary>
    public static readonly DiagnosticDescriptor GenericMethod = Error("CLAY104", "Generic methods cannot be exported",
        "{0}: generic methods cannot be exported");

    /// <summary>CLAY105: two methods exported under one name.</summary>
    public static readonly DiagnosticDescriptor DuplicateFunction = Error("CLAY105", "Two methods are exported under one name",
        "{0}: another method is also exported as '{1}'; overloads are not supported: rename one or give it [ClayName]");

    /// <summary>CLAY106: two types with one interface name.</summary>
    public static readonly DiagnosticDescriptor DuplicateTypeName = Error("CLAY106", "Two types have one interface name",
        "{0}: types {1} and {2} both have the interface name '{3}'; rename one with [ClayName]");

    /// <summary>CLAY107: a worker class Clay cannot instantiate.</summary>
    public static readonly DiagnosticDescriptor InvalidWorker = Error("CLAY107", "Clay cannot create the worker class",
        "{0}: {1}");

    /// <summary>CLAY108: a worker class without exported methods.</summary>
    public static readonly DiagnosticDescriptor NoFunctions = Error("CLAY108", "The worker class exports nothing",
        "{0} exports no public methods");

    /// <summary>CLAY109: tuples of more than seven elements.</summary>
    public static readonly DiagnosticDescriptor LongTuple = Error("CLAY109", "Tuple too long for a worker's interface",
        "{0}: tuples of more than 7 elements are not supported");

    /// <summary>CLAY110: a type the generated code cannot name.</summary>
    public static readonly DiagnosticDescriptor Inaccessible = Error("CLAY110", "Type hidden from the generated model",
        "{0}: type {1} is private or protected, so the generated model cannot use it; make it internal or public");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
