using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>Reads its identity, start-up arguments and environment in its constructor.</summary>
[ClayWorker]
public sealed class Greeter
{
    private readonly string _greeting;

    /// <summary>Builds the greeting from what the worker was created with.</summary>
    public Greeter(WorkerContext context)
    {
        var language = context.Environment.TryGetValue("LANGUAGE", out var value) ? value : "en";
        var title = context.Arguments.Count > 0 ? context.Arguments[0] : "friend";
        _greeting = $"{(language == "fr" ? "Bonjour" : "Hello")} {title} from {context.Identity}";
    }

    /// <summary>The greeting.</summary>
    public string Greet() => _greeting;
}
