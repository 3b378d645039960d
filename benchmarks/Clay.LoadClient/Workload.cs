namespace Clay.LoadClient;

/// <summary>The seed workload's phases as sequences of cart calls.</summary>
public static class Workload
{
    /// <summary>
    /// Every cart of every component: initialize-cart and two add-item (or one of each, or one add-item), in order
    /// per cart. The warm-up drives carts of its own (<c>warm0</c>, <c>warm1</c> …) on every component in turn and
    /// on one extra, numbered after the measured ones: each component's code is loaded, and a Clay server's
    /// component host for it started, before the clock starts, as on a server that has been running.
    /// </summary>
    public static IReadOnlyList<CartCall[]> Spawn(LoadOptions options, bool warmup)
    {
        var carts = warmup
            ? Enumerable.Range(0, options.Warmup).Select(j => (j % (options.Components + 1), $"warm{j}"))
            : Enumerable.Range(0, options.Workers).SelectMany(j => Enumerable.Range(0, options.Components).Select(i => (i, $"{j}")));
        return carts.Select(c => new[]
            {
                new CartCall(c.Item1, c.Item2, CartFunction.InitializeCart),
                new CartCall(c.Item1, c.Item2, CartFunction.AddItem, "p1", ProductName(c.Item1, c.Item2)),
                new CartCall(c.Item1, c.Item2, CartFunction.AddItem, "p2", SecondName(c.Item1, c.Item2)),
            }[(options.Calls == 1 ? 1 : 0)..(options.Calls == 3 ? 3 : 2)]).ToArray();
    }

    /// <summary>get-cart-contents on random carts (a fixed seed), each checked for exactly its own items.</summary>
    public static IReadOnlyList<CartCall[]> Reads(LoadOptions options)
    {
        var rng = new Random(42);
        return Enumerable.Range(0, options.Random).Select(_ =>
        {
            var (i, j) = (rng.Next(options.Components), $"{rng.Next(options.Workers)}");
            string[] names = options.Calls == 3 ? [ProductName(i, j), SecondName(i, j)] : [ProductName(i, j)];
            return new[] { new CartCall(i, j, CartFunction.GetCartContents, null, names) };
        }).ToArray();
    }

    /// <summary>Two consecutive phases as one.</summary>
    public static PhaseResult Combine(string name, PhaseResult a, PhaseResult b)
    {
        var latencies = a.SortedLatenciesMs.Concat(b.SortedLatenciesMs).ToArray();
        Array.Sort(latencies);
        return new PhaseResult(name, a.Invocations + b.Invocations, a.Seconds + b.Seconds, latencies, a.ServerCpu + b.ServerCpu,
            a.ClientCpu + b.ClientCpu, a.ServerAllocatedBytes + b.ServerAllocatedBytes, a.Failed + b.Failed, a.WrongAnswers + b.WrongAnswers)
        {
            HostsAllocatedBytes = a.HostsAllocatedBytes + b.HostsAllocatedBytes,
            HostsCpu = a.HostsCpu + b.HostsCpu,
            ClientGcPause = a.ClientGcPause + b.ClientGcPause,
        };
    }

    private static string ProductName(int component, string cart) => $"Example product {cart}/{component}";

    private static string SecondName(int component, string cart) => $"Second product {cart}/{component}";
}
