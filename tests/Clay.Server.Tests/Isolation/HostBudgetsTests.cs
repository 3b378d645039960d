using Clay.Server.Isolation;

namespace Clay.Server.Tests.Isolation;

/// <summary>How the server's memory budget is divided among its component hosts.</summary>
public sealed class HostBudgetsTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void The_processes_fixed_size_comes_off_the_budget_but_a_quarter_is_always_left_for_workers()
    {
        Assert.Equal(700 * MiB, HostBudgets.ForWorkers(1024 * MiB, 324 * MiB));
        Assert.Equal(256 * MiB, HostBudgets.ForWorkers(1024 * MiB, 900 * MiB));
        Assert.Equal(512 * 1024, HostBudgets.ForWorkers(2 * MiB, 250 * MiB));
    }

    [Fact]
    public void While_the_workers_fit_each_host_may_grow_into_an_equal_part_of_the_room_left()
    {
        var shares = HostBudgets.Divide(600 * MiB, new Dictionary<string, long> { ["a"] = 300 * MiB, ["b"] = 100 * MiB });

        Assert.Equal(400 * MiB, shares["a"]);
        Assert.Equal(200 * MiB, shares["b"]);
    }

    [Fact]
    public void Once_they_do_not_fit_each_host_keeps_its_floor_and_the_rest_goes_in_proportion_to_what_each_holds()
    {
        var used = new Dictionary<string, long> { ["a"] = 900 * MiB, ["b"] = 300 * MiB, ["c"] = 0 };

        var shares = HostBudgets.Divide(600 * MiB, used);

        // Floors of 100 MiB (half of 600 among three), and 300 MiB divided 3 : 1 : 0.
        Assert.Equal(325 * MiB, shares["a"]);
        Assert.Equal(175 * MiB, shares["b"]);
        Assert.Equal(100 * MiB, shares["c"]);
        Assert.Equal(600 * MiB, shares.Values.Sum());
    }

    [Fact]
    public void A_component_called_while_another_holds_the_whole_budget_gets_more_than_its_floor_and_the_total_holds()
    {
        // Both fill their shares between two reports; the first holds everything to begin with.
        var used = new Dictionary<string, long> { ["full"] = 600 * MiB, ["new"] = 0 };
        for (var report = 0; report < 60; report++)
        {
            var shares = HostBudgets.Divide(600 * MiB, used);
            used["full"] = shares["full"];
            used["new"] = shares["new"];
        }

        // Its floor (150 MiB) and its part of the rest: 390 : 210 once the total fits again.
        Assert.Equal(210 * MiB, used["new"]);
        Assert.Equal(390 * MiB, used["full"]);
    }

    [Fact]
    public void A_busy_host_takes_the_room_an_idle_one_leaves_report_after_report()
    {
        // The busy host fills its share between two reports; the idle one keeps what it holds.
        var used = new Dictionary<string, long> { ["busy"] = 0, ["idle"] = 40 * MiB };
        for (var report = 0; report < 40; report++) used["busy"] = HostBudgets.Divide(600 * MiB, used)["busy"];

        Assert.InRange(used["busy"], 555 * MiB, 560 * MiB);
        Assert.True(used.Values.Sum() <= 600 * MiB);
    }

    [Fact]
    public void A_share_is_told_the_first_time_and_then_only_when_it_moves_by_more_than_a_twentieth()
    {
        Assert.True(HostBudgets.Changed(0, 100));
        Assert.False(HostBudgets.Changed(1000, 1040));
        Assert.False(HostBudgets.Changed(1000, 950));
        Assert.True(HostBudgets.Changed(1000, 1060));
        Assert.True(HostBudgets.Changed(1000, 940));
    }
}
