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

    /// <summary>Sorts <paramref name="samples"/> in place and returns their median and 99th percentile.</summary>
    public static (double P50, double P99) MedianAnd99(double[] samples)
    {
        Array.Sort(samples);
        return (Of(samples, 50), Of(samples, 99));
    }
}
