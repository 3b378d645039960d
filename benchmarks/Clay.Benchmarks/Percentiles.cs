namespace Clay.Benchmarks;

/// <summary>Percentiles of a set of latency samples.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="p"/>-th percentile (0–100) of <paramref name="sorted"/>, which must be sorted ascending.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
