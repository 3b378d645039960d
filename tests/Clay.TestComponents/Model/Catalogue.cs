using System.Collections.Immutable;
using System.Text;
using Clay.Sdk;

namespace Clay.TestComponents.Model;

/// <summary>
/// Exports every shape of type the interface model has, so the generated model and the reflection
/// model can be compared on all of them.
/// </summary>
[ClayWorker(Interface = "model-catalogue")]
public sealed class Catalogue(WorkerContext context)
{
    private readonly List<Sample> _samples = [];
    private Settings _settings = new();

    /// <summary>Keeps a sample; returns how many there are.</summary>
    public uint Put(Sample sample)
    {
        _samples.Add(sample);
        return (uint)_samples.Count;
    }

    /// <summary>The samples with this id.</summary>
    public Sample[] Find(string id) => [.. _samples.Where(s => s.Id == id)];

    /// <summary>Every primitive.</summary>
    public string Primitives(bool b, sbyte s8, short s16, int s32, long s64, byte u8, ushort u16, uint u32, ulong u64, float f32, double f64, char c, Rune r, string s) =>
        $"{b}|{s8}|{s16}|{s32}|{s64}|{u8}|{u16}|{u32}|{u64}|{f32}|{f64}|{c}|{r}|{s}";

    /// <summary>Lists in each .NET shape.</summary>
    public int Lists(List<int> list, IEnumerable<string> sequence, ImmutableArray<byte> bytes, int?[] maybe, IReadOnlyCollection<Point> points) =>
        list.Count + sequence.Count() + bytes.Length + maybe.Length + points.Count;

    /// <summary>Options of values and references.</summary>
    public (int?, string?) Options(int? number, string? text) => (number, text);

    /// <summary>Results, with and without payloads.</summary>
    public Result<Unit, string> Check(Result<int, Unit> input) =>
        input.IsOk ? Result<Unit, string>.Ok(Unit.Value) : Result<Unit, string>.Err("no value");

    /// <summary>Nested tuples.</summary>
    public (string, (int, bool)) Nest(string a, int b, bool c) => (a, (b, c));

    /// <summary>Replaces the settings; returns the previous ones.</summary>
    public Settings Configure(Settings settings)
    {
        var previous = _settings;
        _settings = settings;
        context.Log($"configured {settings.Name}");
        return previous;
    }

    /// <summary>A variant in and out.</summary>
    public Event Replay(Event last, Named by) => last switch
    {
        Event.Started => new Event.Moved(new Point(1, 2)),
        Event.Moved m => new Event.Renamed(by.Label, by.Key, (uint)m.To.X),
        Event.Renamed => new Event.Stopped(null),
        _ => new Event.Started(),
    };

    /// <summary>Asynchronous, with the suffix dropped.</summary>
    public async Task<Shade> ShadeAsync(Permissions permissions)
    {
        await context.SleepAsync(TimeSpan.Zero);
        return permissions.HasFlag(Permissions.Write) ? Shade.Dark : Shade.Light;
    }

    /// <summary>A value task without a result.</summary>
    public ValueTask ResetAsync()
    {
        _samples.Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary>A value task with a nullable result.</summary>
    public ValueTask<Sample?> LastAsync() => ValueTask.FromResult(_samples.LastOrDefault());

    /// <summary>Renamed.</summary>
    [ClayName("count-of")]
    public int CountAsync([ClayName("the-id")] string id) => _samples.Count(s => s.Id == id);

    /// <summary>Not exported.</summary>
    [ClayIgnore]
    public void Internal() => _samples.Clear();
}
