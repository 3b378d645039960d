using Clay.Sdk;

namespace Clay.TestComponents.Testing;

/// <summary>A subscription that waits long: a 30-day trial, an approval from outside, renewals on a schedule.</summary>
[ClayWorker]
public sealed class Subscription(WorkerContext context)
{
    private readonly List<string> _events = [];

    /// <summary>Starts a 30-day trial and returns when it ends.</summary>
    public async Task<string> StartTrial(string user)
    {
        _events.Add($"trial of {user} started at {context.UtcNow():O}");
        await context.SleepAsync(TimeSpan.FromDays(30));
        var ended = $"trial of {user} ended at {context.UtcNow():O}";
        context.Log(ended);
        _events.Add(ended);
        return ended;
    }

    /// <summary>Asks for approval: returns the promise to complete.</summary>
    public ulong RequestApproval() => (ulong)context.CreatePromise().Value;

    /// <summary>Waits for the approval and returns the approver's answer.</summary>
    public async Task<string> AwaitApproval(ulong promise)
    {
        var answer = await context.AwaitPromiseAsync(new PromiseId((long)promise));
        _events.Add($"approved: {answer}");
        return answer;
    }

    /// <summary>Schedules its own renewal <paramref name="days"/> days from now.</summary>
    public async Task ScheduleRenewal(uint days) =>
        await context.ScheduleCallAsync(context.Identity, context.UtcNow().AddDays(days), "renew");

    /// <summary>Renews; records when.</summary>
    public void Renew() => _events.Add($"renewed at {context.UtcNow():O}");

    /// <summary>What happened, in order.</summary>
    public IReadOnlyList<string> Events() => _events;
}
