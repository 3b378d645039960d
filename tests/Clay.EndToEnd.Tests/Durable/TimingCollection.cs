namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// Tests that measure how late a wake-up is: they run alone, after the parallel tests, so that what
/// they measure is the server's clock and not the other tests' servers competing for the same cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Timing";
}
