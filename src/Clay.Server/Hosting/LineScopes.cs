using Microsoft.Extensions.Logging.Console;

namespace Clay.Server.Hosting;

/// <summary>
/// A scope for the lines the calling thread logs next, kept in a thread-static field instead of
/// <see cref="ILogger.BeginScope{TState}"/>'s async-local one: a worker's log line passed on from its
/// component host is logged on the channel's reading thread, in the scope of its invocation, and an
/// async-local scope pushed and popped for every such line would make two execution contexts each time.
/// The server's console sees it as one more scope (<see cref="ConsoleWithLineScopes"/>).
/// </summary>
internal static class LineScopes
{
    [ThreadStatic]
    private static object? t_scope;

    /// <summary>The scope of the calling thread's lines, if one is set.</summary>
    public static object? Current => t_scope;

    /// <summary>Makes <paramref name="scope"/> the scope of the lines this thread logs until the result is disposed.</summary>
    public static Entered Enter(object? scope)
    {
        var outer = t_scope;
        t_scope = scope;
        return new Entered(outer);
    }

    /// <summary>Puts back the scope that was current before <see cref="Enter"/>.</summary>
    public readonly struct Entered(object? outer) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_scope = outer;
    }
}

/// <summary>
/// The server's console logger provider with the calling thread's <see cref="LineScopes"/> scope after
/// the logging scopes: the console's text and JSON formats print it as they print any scope. Its alias
/// is the console's, so the <c>Logging:Console</c> configuration applies to it.
/// </summary>
[ProviderAlias("Console")]
internal sealed class ConsoleWithLineScopes(ConsoleLoggerProvider console) : ILoggerProvider, ISupportExternalScope
{
    /// <summary>Puts this provider in the place of the console's in <paramref name="logging"/>, once the console is added.</summary>
    public static void Replace(ILoggingBuilder logging)
    {
        var services = logging.Services;
        var registered = services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList();
        if (registered.Count == 0) throw new InvalidOperationException("the console logger is not added");
        foreach (var descriptor in registered) services.Remove(descriptor);
        services.AddSingleton<ConsoleLoggerProvider>();
        services.AddSingleton<ILoggerProvider>(sp => new ConsoleWithLineScopes(sp.GetRequiredService<ConsoleLoggerProvider>()));
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => console.CreateLogger(categoryName);

    /// <inheritdoc/>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => console.SetScopeProvider(new Layered(scopeProvider));

    /// <inheritdoc/>
    public void Dispose() => console.Dispose();

    /// <summary>The logging scopes, then the thread's line scope.</summary>
    private sealed class Layered(IExternalScopeProvider scopes) : IExternalScopeProvider
    {
        public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
        {
            scopes.ForEachScope(callback, state);
            if (LineScopes.Current is { } line) callback(line, state);
        }

        public IDisposable Push(object? state) => scopes.Push(state);
    }
}
