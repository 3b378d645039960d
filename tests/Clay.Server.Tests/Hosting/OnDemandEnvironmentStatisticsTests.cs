using System.Diagnostics;
using Clay.Server.Hosting;

namespace Clay.Server.Tests.Hosting;

public sealed class OnDemandEnvironmentStatisticsTests
{
    [Fact]
    public void It_builds_Orleans_figures_from_the_process_when_asked()
    {
        // If an Orleans upgrade changes the figures' internal constructor, every figure would be 0: this fails first.
        Assert.True(OnDemandEnvironmentStatistics.CanBuild);
        var statistics = new OnDemandEnvironmentStatistics();
        // Some CPU used between two questions shows as a share of the machine's cores.
        var burning = Stopwatch.StartNew();
        var spun = 0L;
        while (burning.ElapsedMilliseconds < 50) spun++;
        var figures = statistics.GetEnvironmentStatistics();

        Assert.True(spun > 0);
        Assert.InRange(figures.RawCpuUsagePercentage, float.Epsilon, 100f);
        Assert.Equal(figures.RawCpuUsagePercentage, figures.FilteredCpuUsagePercentage);
        Assert.True(figures.MaximumAvailableMemoryBytes > 0);
        Assert.InRange(figures.RawMemoryUsageBytes, 1, figures.MaximumAvailableMemoryBytes);
        Assert.Equal(figures.MaximumAvailableMemoryBytes - figures.RawMemoryUsageBytes, figures.RawAvailableMemoryBytes);
    }
}
