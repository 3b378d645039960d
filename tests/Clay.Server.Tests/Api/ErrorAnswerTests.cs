using System.Text.Json;
using Clay.Runtime.Errors;
using Clay.Server.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Server.Tests.Api;

/// <summary>How a failure thrown before the response started is answered: its code and HTTP status.</summary>
public sealed class ErrorAnswerTests : IDisposable
{
    private readonly List<ServiceProvider> _services = [];

    /// <inheritdoc/>
    public void Dispose() => _services.ForEach(s => s.Dispose());

    [Fact]
    public async Task A_cancellation_while_the_server_stops_is_answered_503_cancelled_which_clients_retry()
    {
        using var stopping = new CancellationTokenSource();
        var context = Context(new Lifetime(stopping.Token));
        stopping.Cancel();

        await ErrorHandlingMiddleware.AnswerAsync(context, new OperationCanceledException(stopping.Token), NullLogger.Instance);

        Assert.Equal((503, "cancelled"), (context.Response.StatusCode, Code(context)));
    }

    [Fact]
    public async Task Any_unforeseen_failure_while_the_server_stops_is_put_down_to_the_stop_but_a_coded_error_keeps_its_code()
    {
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();
        var refused = Context(new Lifetime(stopping.Token));
        var missing = Context(new Lifetime(stopping.Token));

        // What a silo that is shutting down throws at a grain call, say.
        await ErrorHandlingMiddleware.AnswerAsync(refused, new InvalidOperationException("the silo is stopping"), NullLogger.Instance);
        await ErrorHandlingMiddleware.AnswerAsync(missing, new ClayException("worker-not-found", "worker c/w not found"), NullLogger.Instance);

        Assert.Equal((503, "cancelled"), (refused.Response.StatusCode, Code(refused)));
        Assert.Equal((404, "worker-not-found"), (missing.Response.StatusCode, Code(missing)));
    }

    [Fact]
    public async Task A_cancellation_the_caller_asked_for_is_cancelled_too_with_no_body_for_a_caller_who_left()
    {
        using var aborted = new CancellationTokenSource();
        var context = Context(new Lifetime(CancellationToken.None));
        context.RequestAborted = aborted.Token;
        aborted.Cancel();

        await ErrorHandlingMiddleware.AnswerAsync(context, new OperationCanceledException(aborted.Token), NullLogger.Instance);

        Assert.Equal((503, 0L), (context.Response.StatusCode, context.Response.Body.Length));
    }

    [Fact]
    public async Task A_cancellation_that_neither_the_caller_nor_a_stop_explains_is_a_bug_answered_500()
    {
        var context = Context(new Lifetime(CancellationToken.None));

        await ErrorHandlingMiddleware.AnswerAsync(context, new OperationCanceledException(), NullLogger.Instance);

        Assert.Equal((500, "internal-error"), (context.Response.StatusCode, Code(context)));
    }

    private DefaultHttpContext Context(IHostApplicationLifetime lifetime)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(lifetime).BuildServiceProvider();
        _services.Add(services);
        return new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
    }

    private static string? Code(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("error").GetProperty("code").GetString();
    }

    private sealed class Lifetime(CancellationToken stopping) : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => stopping;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => throw new NotSupportedException();
    }
}
