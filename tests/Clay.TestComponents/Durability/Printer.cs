using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>Writes to the console like ordinary .NET code: shows where a worker's standard output goes.</summary>
[ClayWorker]
public sealed class Printer(WorkerContext context)
{
    private ulong _printed;

    /// <summary>
    /// Writes "TAG i" lines 1..N to standard output, yielding between lines so that concurrent
    /// workers interleave, then "TAG done" to standard error, and a last piece without a newline.
    /// A durable random number between lines gives replay something to check.
    /// </summary>
    public async Task<ulong> Print(string tag, uint lines)
    {
        for (var i = 1; i <= lines; i++)
        {
            Console.WriteLine($"{tag} {i}");
            context.NextRandom();
            await Task.Yield();
        }
        Console.Error.WriteLine($"{tag} done");
        Console.Write($"{tag} ");
        Console.Write("tail");
        return ++_printed;
    }
}
