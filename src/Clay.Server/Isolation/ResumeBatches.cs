using Clay.Runtime;

namespace Clay.Server.Isolation;

/// <summary>
/// Which workers with work under way are woken together after their component host crashed (see
/// <see cref="ComponentHosts"/>): batches that double while each finishes its work — one, then two,
/// then four, up to <see cref="Largest"/> — so that the work of many workers goes on in about the time
/// of the longest, and a crash that follows is charged only to the workers of one batch. A worker that
/// one more charge would bring to the crash limit is woken alone: a neighbour woken beside a culprit
/// may be charged with its crash, but never up to the limit, while the culprit, alone at the last,
/// reaches it.
/// </summary>
internal static class ResumeBatches
{
    /// <summary>The most workers woken together.</summary>
    public const int Largest = 64;

    /// <summary>The size of the batch after one of <paramref name="size"/>: doubled when all its workers finished their work.</summary>
    public static int After(int size, bool allFinished) => allFinished ? Math.Min(size * 2, Largest) : size;

    /// <summary>True when one more crash charged to a worker with <paramref name="crashes"/> in a row would reach <paramref name="crashLimit"/>.</summary>
    public static bool Alone(int crashes, int crashLimit) => crashes + 1 >= crashLimit;

    /// <summary>
    /// The next batch of <paramref name="workers"/>, from <paramref name="next"/> on (which it moves past
    /// the batch): up to <paramref name="size"/> workers in order, the quarantined skipped, ending before
    /// a worker that must go alone (<see cref="Alone"/>) — which, met first, is a batch by itself.
    /// Empty once none is left.
    /// </summary>
    public static List<WorkerId> Take(IReadOnlyList<WorkerId> workers, ref int next, int size, Func<WorkerId, bool> quarantined,
        Func<WorkerId, int> crashes, int crashLimit)
    {
        var batch = new List<WorkerId>(Math.Min(size, workers.Count - next));
        while (next < workers.Count && batch.Count < size)
        {
            var worker = workers[next];
            if (quarantined(worker))
            {
                next++;
                continue;
            }
            var alone = Alone(crashes(worker), crashLimit);
            if (alone && batch.Count > 0) break;
            batch.Add(worker);
            next++;
            if (alone) break;
        }
        return batch;
    }
}
