using System.Diagnostics;
using System.Reflection;
using Orleans.Statistics;

namespace Clay.Server.Hosting;

/// <summary>
/// The process's CPU and memory figures Orleans asks for, computed when asked. Orleans' own provider
/// subscribes to the runtime's event counters, which wakes a thread every second for the life of
/// the process; Clay's placements read none of these figures, and Orleans asks for them only when
/// statistics are published or load shedding is on.
/// </summary>
/// <remarks>
/// CPU is the process's share of the machine's cores since the previous question (or since the
/// provider was made); memory is the process's resident set against the memory the runtime may
/// use. The figures are not smoothed, as Orleans' are: nothing here samples between questions.
/// <see cref="EnvironmentStatistics"/> has no public constructor; its internal one is found once by
/// its parameters' names, and a test fails if an Orleans upgrade changes it.
/// </remarks>
internal sealed class OnDemandEnvironmentStatistics : IEnvironmentStatisticsProvider
{
    private static readonly string[] ParameterNames =
    [
        "cpuUsagePercentage", "rawCpuUsagePercentage", "memoryUsageBytes", "rawMemoryUsageBytes", "availableMemoryBytes",
        "rawAvailableMemoryBytes", "maximumAvailableMemoryBytes",
    ];

    private static readonly ConstructorInfo? Constructor = typeof(EnvironmentStatistics)
        .GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
        .FirstOrDefault(c => c.GetParameters().Select(p => p.Name).SequenceEqual(ParameterNames));

    private readonly Lock _gate = new();
    private TimeSpan _cpu = Environment.CpuUsage.TotalTime;
    private long _at = Stopwatch.GetTimestamp();

    /// <summary>Whether the figures can be built (false if Orleans changed the constructor; then every figure is 0).</summary>
    internal static bool CanBuild => Constructor is not null;

    /// <inheritdoc/>
    public EnvironmentStatistics GetEnvironmentStatistics()
    {
        float cpu;
        lock (_gate)
        {
            var used = Environment.CpuUsage.TotalTime;
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(_at, now);
            cpu = elapsed > TimeSpan.Zero
                ? (float)Math.Clamp((used - _cpu) / elapsed / Environment.ProcessorCount * 100, 0, 100)
                : 0f;
            (_cpu, _at) = (used, now);
        }
        // The process's resident memory: the GC's figures are those of its last collection, and there may have been none yet.
        var maximum = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var usage = Math.Clamp(Environment.WorkingSet, 0, maximum);
        var available = maximum - usage;
        return Constructor?.Invoke([cpu, cpu, usage, usage, available, available, maximum]) is EnvironmentStatistics built ? built : default;
    }
}
