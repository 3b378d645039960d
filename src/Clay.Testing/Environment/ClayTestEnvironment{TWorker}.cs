using Clay.Runtime.Components;
using Clay.Testing.Workers;

namespace Clay.Testing.Environment;

/// <summary>A <see cref="ClayTestEnvironment"/> whose main component is the worker class <typeparamref name="TWorker"/>.</summary>
/// <typeparam name="TWorker">The <c>[ClayWorker]</c> class under test.</typeparam>
public sealed class ClayTestEnvironment<TWorker> : ClayTestEnvironment
    where TWorker : class
{
    internal ClayTestEnvironment(ClayTestOptions options)
        : base(options, Components(options))
    {
        ComponentName = NameOf(options);
    }

    /// <summary>The component name <typeparamref name="TWorker"/> runs under.</summary>
    public string ComponentName { get; }

    /// <summary>The worker <paramref name="name"/> of <typeparamref name="TWorker"/>'s component; it is created by its first invocation.</summary>
    public TestWorker<TWorker> Worker(string name) => Worker<TWorker>(name);

    private static IReadOnlyDictionary<string, Type> Components(ClayTestOptions options)
    {
        var all = new Dictionary<string, Type>(options.Components, StringComparer.Ordinal) { [NameOf(options)] = typeof(TWorker) };
        return all;
    }

    private static string NameOf(ClayTestOptions options) => options.ComponentName ?? KebabCase.FromPascal(typeof(TWorker).Name);
}
