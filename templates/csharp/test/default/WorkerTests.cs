using Clay.Testing.Environment;
using Xunit;

namespace Component.Tests;

/// <summary>
/// Tests of the worker on Clay's real executor, in process: no server, an in-memory oplog, and a
/// clock that moves only when the test says so. Run them with 'dotnet test'.
/// </summary>
public sealed class WorkerTests
{
    [Fact]
    public async Task The_total_adds_up_and_survives_a_crash()
    {
        await using var env = await ClayTestEnvironment.StartAsync<Worker>();
        var worker = env.Worker("w1");
        await worker.InvokeAsync(w => w.Add(2));
        await worker.InvokeAsync(w => w.Add(3));

        // The worker's memory is thrown away and rebuilt by replaying its oplog.
        await worker.CrashAndRecoverAsync();

        Assert.Equal(5UL, await worker.InvokeAsync(w => w.Get()));
    }
}
