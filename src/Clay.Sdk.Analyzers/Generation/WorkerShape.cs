using System.Collections.Generic;

namespace Clay.Sdk.Analyzers.Generation;

/// <summary>A worker class as the generator exports it.</summary>
/// <param name="Clr">The class as C# names it.</param>
/// <param name="MetadataName">Its full metadata name, for the generated file's and class's names.</param>
/// <param name="InterfaceName">The interface's name.</param>
/// <param name="TakesContext">True when constructed with its <c>WorkerContext</c>.</param>
/// <param name="NamedTypes">Records, variants, enums and flags in first-use order.</param>
/// <param name="Functions">The exported functions in declaration order.</param>
internal sealed record WorkerShape(string Clr, string MetadataName, string InterfaceName, bool TakesContext,
    IReadOnlyList<Shape> NamedTypes, IReadOnlyList<FunctionShape> Functions);

/// <summary>An exported function.</summary>
/// <param name="Name">The exported name.</param>
/// <param name="Method">The C# method name.</param>
/// <param name="Parameters">(exported name, shape) in order.</param>
/// <param name="Result">The result's shape, or null.</param>
/// <param name="Returns">How the method returns.</param>
internal sealed record FunctionShape(string Name, string Method, IReadOnlyList<(string Name, Shape Type)> Parameters, Shape? Result, ReturnKind Returns);

/// <summary>What a method returns: its result directly, a task, or a value task (turned into a task).</summary>
internal enum ReturnKind
{
    Sync,
    Task,
    ValueTask,
}
