using Clay.Runtime;
using Clay.Server.Isolation;

namespace Clay.Server.Tests.Isolation;

/// <summary>
/// Which workers with work under way are woken together after their host crashed: batches that double
/// while each finishes, and alone a worker that one more charge would quarantine.
/// </summary>
public sealed class ResumeBatchesTests
{
    private const int Limit = ComponentHosts.CrashLimit;

    private static WorkerId[] Workers(int count) => [.. Enumerable.Range(0, count).Select(i => new WorkerId("test:resume", $"w{i}"))];

    private static List<List<string>> AllBatches(IReadOnlyList<WorkerId> workers, Func<WorkerId, int> crashes, Func<WorkerId, bool>? quarantined = null)
    {
        var batches = new List<List<string>>();
        var next = 0;
        var size = 1;
        while (ResumeBatches.Take(workers, ref next, size, quarantined ?? (_ => false), crashes, Limit) is { Count: > 0 } batch)
        {
            batches.Add([.. batch.Select(w => w.Worker)]);
            size = ResumeBatches.After(size, allFinished: true);
        }
        return batches;
    }

    [Fact]
    public void Batches_double_while_each_finishes_from_one_worker()
    {
        var batches = AllBatches(Workers(10), _ => 1);

        Assert.Equal([["w0"], ["w1", "w2"], ["w3", "w4", "w5", "w6"], ["w7", "w8", "w9"]], batches);
    }

    [Fact]
    public void A_batch_that_did_not_finish_keeps_its_size_and_none_grows_past_the_largest()
    {
        Assert.Equal(4, ResumeBatches.After(4, allFinished: false));
        Assert.Equal(8, ResumeBatches.After(4, allFinished: true));
        Assert.Equal(ResumeBatches.Largest, ResumeBatches.After(ResumeBatches.Largest, allFinished: true));
    }

    [Fact]
    public void A_worker_one_charge_from_the_limit_is_woken_alone_and_the_quarantined_not_at_all()
    {
        var workers = Workers(8);
        var batches = AllBatches(workers, w => w.Worker == "w2" ? Limit - 1 : 0, w => w.Worker == "w4");

        Assert.Equal([["w0"], ["w1"], ["w2"], ["w3", "w5", "w6", "w7"]], batches);
    }

    /// <summary>
    /// Every placement of one culprit among up to twelve workers, each already charged with the crash
    /// that began it all or not: the waking goes on, batch after batch, each crash charging every worker
    /// of its batch and starting again from a batch of one. The culprit always ends quarantined, and no
    /// other worker ever reaches the limit.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_neighbour_woken_beside_a_culprit_never_reaches_the_limit(int chargedBefore)
    {
        for (var count = 1; count <= 12; count++)
        {
            for (var culprit = 0; culprit < count; culprit++)
            {
                var workers = Workers(count);
                var crashes = workers.ToDictionary(w => w, _ => chargedBefore);
                var quarantined = new HashSet<WorkerId>();
                var pending = workers.ToList();
                var crashesSeen = 0;
                while (pending.Count > 0)
                {
                    Assert.True(crashesSeen <= count * Limit, $"the waking of {count} workers did not end");
                    var next = 0;
                    var size = 1;
                    var crashed = false;
                    while (!crashed && ResumeBatches.Take(pending, ref next, size, quarantined.Contains, w => crashes[w], Limit) is { Count: > 0 } batch)
                    {
                        if (batch.Contains(workers[culprit]))
                        {
                            crashesSeen++;
                            crashed = true;
                            foreach (var worker in batch)
                            {
                                if (++crashes[worker] >= Limit) quarantined.Add(worker);
                            }
                        }
                        else
                        {
                            pending.RemoveAll(batch.Contains);
                            next -= batch.Count;
                            size = ResumeBatches.After(size, allFinished: true);
                        }
                    }
                    pending.RemoveAll(quarantined.Contains);
                }
                Assert.Contains(workers[culprit], quarantined);
                Assert.Single(quarantined);
            }
        }
    }
}
