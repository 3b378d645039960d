using System.Collections;
using Clay.Server.Hosting;

namespace Clay.Server.Tests.Hosting;

public sealed class ServerThreadPoolTests
{
    [Fact]
    public void The_floor_is_raised_to_when_the_pool_keeps_fewer_and_a_higher_number_is_kept()
    {
        Assert.Equal(ServerThreadPool.Floor, ServerThreadPool.Wanted(2, userSet: false));
        Assert.Null(ServerThreadPool.Wanted(ServerThreadPool.Floor, userSet: false));
        Assert.Null(ServerThreadPool.Wanted(ServerThreadPool.Floor + 24, userSet: false));
    }

    [Fact]
    public void A_number_the_user_set_is_kept_even_when_lower()
    {
        Assert.Null(ServerThreadPool.Wanted(2, userSet: true));
    }

    [Fact]
    public void Applied_the_pool_keeps_at_least_the_floor_of_worker_threads_and_its_completion_ports_as_they_were()
    {
        ThreadPool.GetMinThreads(out _, out var completionPorts);

        var inForce = ServerThreadPool.Apply(new Hashtable { ["PATH"] = "/usr/bin" });

        ThreadPool.GetMinThreads(out var workers, out var completionPortsAfter);
        Assert.True(workers >= ServerThreadPool.Floor, $"{workers} worker threads at least");
        Assert.Equal(workers, inForce);
        Assert.Equal(completionPorts, completionPortsAfter);
    }

    [Fact]
    public void Applied_with_the_users_variable_it_changes_nothing()
    {
        ThreadPool.GetMinThreads(out var before, out _);

        var inForce = ServerThreadPool.Apply(new Hashtable { [ServerThreadPool.Variable] = "4" });

        ThreadPool.GetMinThreads(out var after, out _);
        Assert.Equal(before, after);
        Assert.Equal(before, inForce);
    }
}
