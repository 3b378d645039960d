using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.History;
using Clay.Runtime.Oplog.Display;

namespace Clay.Cluster.Serialization;

/// <summary>How a <see cref="WorkerInfo"/> travels between silos.</summary>
[GenerateSerializer]
public struct WorkerInfoSurrogate
{
    /// <summary>The component.</summary>
    [Id(0)] public string Component;
    /// <summary>The worker's name.</summary>
    [Id(1)] public string Worker;
    /// <summary>See <see cref="WorkerInfo.ComponentVersion"/>.</summary>
    [Id(2)] public long ComponentVersion;
    /// <summary>See <see cref="WorkerInfo.ComponentSize"/>.</summary>
    [Id(3)] public long ComponentSize;
    /// <summary>See <see cref="WorkerInfo.Status"/>.</summary>
    [Id(4)] public int Status;
    /// <summary>See <see cref="WorkerInfo.CreatedAt"/>.</summary>
    [Id(5)] public DateTimeOffset CreatedAt;
    /// <summary>See <see cref="WorkerInfo.Arguments"/>.</summary>
    [Id(6)] public string[] Arguments;
    /// <summary>See <see cref="WorkerInfo.Environment"/>.</summary>
    [Id(7)] public KeyValuePair<string, string>[] Environment;
    /// <summary>See <see cref="WorkerInfo.PendingInvocations"/>.</summary>
    [Id(8)] public int PendingInvocations;
    /// <summary>See <see cref="WorkerInfo.RetryCount"/>.</summary>
    [Id(9)] public int RetryCount;
    /// <summary>See <see cref="WorkerInfo.LastError"/>.</summary>
    [Id(10)] public string? LastError;
    /// <summary>See <see cref="WorkerInfo.OplogLength"/>.</summary>
    [Id(11)] public long OplogLength;
    /// <summary>See <see cref="WorkerInfo.MemoryAtStartup"/>.</summary>
    [Id(12)] public long MemoryAtStartup;
    /// <summary>See <see cref="WorkerInfo.MemoryNow"/>.</summary>
    [Id(13)] public long MemoryNow;
    /// <summary>See <see cref="WorkerInfo.Resident"/>.</summary>
    [Id(14)] public bool Resident;
    /// <summary>See <see cref="WorkerInfo.UpdatesFrom"/>, plus one: a sender that does not know the field leaves it 0, which reads as not known.</summary>
    [Id(15)] public long UpdatesFromPlusOne;
}

/// <summary>Converts <see cref="WorkerInfo"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class WorkerInfoConverter : IConverter<WorkerInfo, WorkerInfoSurrogate>
{
    /// <inheritdoc/>
    public WorkerInfo ConvertFromSurrogate(in WorkerInfoSurrogate s) => new(new WorkerId(s.Component, s.Worker), s.ComponentVersion,
        s.ComponentSize, (WorkerStatus)s.Status, s.CreatedAt, s.Arguments, s.Environment, s.PendingInvocations, s.RetryCount, s.LastError, s.OplogLength,
        s.MemoryAtStartup, s.MemoryNow, s.Resident)
    {
        UpdatesFrom = s.UpdatesFromPlusOne - 1,
    };

    /// <inheritdoc/>
    public WorkerInfoSurrogate ConvertToSurrogate(in WorkerInfo value) => new()
    {
        Component = value.Id.Component,
        Worker = value.Id.Worker,
        ComponentVersion = value.ComponentVersion,
        ComponentSize = value.ComponentSize,
        Status = (int)value.Status,
        CreatedAt = value.CreatedAt,
        Arguments = [.. value.Arguments],
        Environment = [.. value.Environment],
        PendingInvocations = value.PendingInvocations,
        RetryCount = value.RetryCount,
        LastError = value.LastError,
        OplogLength = value.OplogLength,
        MemoryAtStartup = value.MemoryAtStartup,
        MemoryNow = value.MemoryNow,
        Resident = value.Resident,
        UpdatesFromPlusOne = value.UpdatesFrom + 1,
    };
}

/// <summary>How a <see cref="WorkerCreation"/> travels between silos.</summary>
[GenerateSerializer]
public struct WorkerCreationSurrogate
{
    /// <summary>Start-up arguments.</summary>
    [Id(0)] public string[] Arguments;
    /// <summary>Start-up environment.</summary>
    [Id(1)] public KeyValuePair<string, string>[] Environment;
    /// <summary>See <see cref="WorkerCreation.WithFirstInvocation"/>.</summary>
    [Id(2)] public bool WithFirstInvocation;
}

/// <summary>Converts <see cref="WorkerCreation"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class WorkerCreationConverter : IConverter<WorkerCreation, WorkerCreationSurrogate>
{
    /// <inheritdoc/>
    public WorkerCreation ConvertFromSurrogate(in WorkerCreationSurrogate s) =>
        new(s.Arguments, s.Environment) { WithFirstInvocation = s.WithFirstInvocation };

    /// <inheritdoc/>
    public WorkerCreationSurrogate ConvertToSurrogate(in WorkerCreation value) =>
        new() { Arguments = [.. value.Arguments], Environment = [.. value.Environment], WithFirstInvocation = value.WithFirstInvocation };
}

/// <summary>How an <see cref="OplogPage"/> travels between silos.</summary>
[GenerateSerializer]
public struct OplogPageSurrogate
{
    /// <summary>Indexes of the entries.</summary>
    [Id(0)] public long[] Indexes;
    /// <summary>Timestamps of the entries.</summary>
    [Id(1)] public DateTimeOffset[] Timestamps;
    /// <summary>Kinds of the entries.</summary>
    [Id(2)] public string[] Kinds;
    /// <summary>Fields of the entries: name and value, alternating.</summary>
    [Id(3)] public string[][] Fields;
    /// <summary>Where the next page starts.</summary>
    [Id(4)] public long? Next;
    /// <summary>Encoded entries of an export page; null for a display page.</summary>
    [Id(5)] public byte[][]? Encoded;
}

/// <summary>Converts <see cref="OplogPage"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class OplogPageConverter : IConverter<OplogPage, OplogPageSurrogate>
{
    /// <inheritdoc/>
    public OplogPage ConvertFromSurrogate(in OplogPageSurrogate s)
    {
        var entries = new OplogPageEntry[s.Indexes.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var flat = s.Fields[i];
            var fields = new DisplayField[flat.Length / 2];
            for (var f = 0; f < fields.Length; f++) fields[f] = new DisplayField(flat[2 * f], flat[(2 * f) + 1]);
            entries[i] = new OplogPageEntry(s.Indexes[i], s.Timestamps[i], s.Kinds[i], fields)
            {
                Encoded = s.Encoded is { } encoded ? encoded[i] : ReadOnlyMemory<byte>.Empty,
            };
        }
        return new OplogPage(entries, s.Next);
    }

    /// <inheritdoc/>
    public OplogPageSurrogate ConvertToSurrogate(in OplogPage value) => new()
    {
        Indexes = value.Entries.Select(e => e.Index).ToArray(),
        Timestamps = value.Entries.Select(e => e.Timestamp).ToArray(),
        Kinds = value.Entries.Select(e => e.Kind).ToArray(),
        Fields = value.Entries.Select(e => e.Fields.SelectMany(f => new[] { f.Name, f.Value }).ToArray()).ToArray(),
        Next = value.Next,
        Encoded = value.Entries.Any(e => !e.Encoded.IsEmpty) ? value.Entries.Select(e => e.Encoded.ToArray()).ToArray() : null,
    };
}

/// <summary>How a <see cref="WorkerLogPage"/> travels between silos.</summary>
[GenerateSerializer]
public struct WorkerLogPageSurrogate
{
    /// <summary>Oplog indexes of the lines.</summary>
    [Id(0)] public long[] Indexes;
    /// <summary>When each was written.</summary>
    [Id(1)] public DateTimeOffset[] Timestamps;
    /// <summary>Their levels.</summary>
    [Id(2)] public int[] Levels;
    /// <summary>Their contexts.</summary>
    [Id(3)] public string[] Contexts;
    /// <summary>Their texts.</summary>
    [Id(4)] public string[] Messages;
    /// <summary>The index of the last entry read.</summary>
    [Id(5)] public long Last;
    /// <summary>Whether entries may follow.</summary>
    [Id(6)] public bool More;
}

/// <summary>Converts <see cref="WorkerLogPage"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class WorkerLogPageConverter : IConverter<WorkerLogPage, WorkerLogPageSurrogate>
{
    /// <inheritdoc/>
    public WorkerLogPage ConvertFromSurrogate(in WorkerLogPageSurrogate s)
    {
        var lines = new WorkerLogLine[s.Indexes.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = new WorkerLogLine(s.Indexes[i], s.Timestamps[i], (Clay.Sdk.WorkerLogLevel)s.Levels[i], s.Contexts[i], s.Messages[i]);
        }
        return new WorkerLogPage(lines, s.Last, s.More);
    }

    /// <inheritdoc/>
    public WorkerLogPageSurrogate ConvertToSurrogate(in WorkerLogPage value) => new()
    {
        Indexes = value.Lines.Select(l => l.OplogIndex).ToArray(),
        Timestamps = value.Lines.Select(l => l.Timestamp).ToArray(),
        Levels = value.Lines.Select(l => (int)l.Level).ToArray(),
        Contexts = value.Lines.Select(l => l.Context).ToArray(),
        Messages = value.Lines.Select(l => l.Message).ToArray(),
        Last = value.Last,
        More = value.More,
    };
}

/// <summary>How a <see cref="WorkerUpdate"/> travels between silos.</summary>
[GenerateSerializer]
public struct WorkerUpdateSurrogate
{
    /// <summary>The version it was to move to.</summary>
    [Id(0)] public long TargetVersion;
    /// <summary><c>auto</c> or <c>manual</c>.</summary>
    [Id(1)] public string Mode;
    /// <summary><c>succeeded</c>, <c>failed</c> or <c>pending</c>.</summary>
    [Id(2)] public string Outcome;
    /// <summary>When it was requested.</summary>
    [Id(3)] public DateTimeOffset RequestedAt;
    /// <summary>When its outcome was written, if it was.</summary>
    [Id(4)] public DateTimeOffset? FinishedAt;
    /// <summary>Why it failed.</summary>
    [Id(5)] public string? Detail;
}

/// <summary>Converts <see cref="WorkerUpdate"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class WorkerUpdateConverter : IConverter<WorkerUpdate, WorkerUpdateSurrogate>
{
    /// <inheritdoc/>
    public WorkerUpdate ConvertFromSurrogate(in WorkerUpdateSurrogate s) => new(s.TargetVersion, s.Mode, s.Outcome, s.RequestedAt, s.FinishedAt, s.Detail);

    /// <inheritdoc/>
    public WorkerUpdateSurrogate ConvertToSurrogate(in WorkerUpdate value) => new()
    {
        TargetVersion = value.TargetVersion, Mode = value.Mode, Outcome = value.Outcome,
        RequestedAt = value.RequestedAt, FinishedAt = value.FinishedAt, Detail = value.Detail,
    };
}
