using System.Text.Json;

namespace Clay.Server.Api;

/// <summary>A component version as the API shows it.</summary>
public sealed record ComponentDto(string Name, Guid Id, long Version, long Size, DateTimeOffset CreatedAt, string Hash, string Wit,
    IReadOnlyList<ExportDto> Exports, bool Unchanged);

/// <summary>An exported function.</summary>
public sealed record ExportDto(string Name, string Signature);

/// <summary>The list of components.</summary>
public sealed record ComponentListDto(IReadOnlyList<ComponentDto> Components);

/// <summary>The body of a create-worker request.</summary>
public sealed record CreateWorkerDto(string? Name, IReadOnlyList<string>? Args, IReadOnlyDictionary<string, string>? Env);

/// <summary>A worker as the API shows it.</summary>
public sealed record WorkerDto(string ComponentName, string WorkerName, long ComponentVersion, long ComponentSize, string Status,
    DateTimeOffset CreatedAt, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Env, long MemoryAtStartup, long MemoryNow,
    int PendingInvocations, int RetryCount, string? LastError, long OplogLength, bool Resident);

/// <summary>A page of workers.</summary>
public sealed record WorkerListDto(IReadOnlyList<WorkerDto> Workers, string? Cursor);

/// <summary>The body of an invoke request.</summary>
public sealed record InvokeDto(string? Function, IReadOnlyList<string>? Args, string? IdempotencyKey, string? Mode);

/// <summary>The result of an invocation: WAVE text and JSON.</summary>
public sealed record ResultDto(string Wave, JsonElement Json);

/// <summary>The answer to an invoke request.</summary>
public sealed record InvokeResultDto(string IdempotencyKey, string Function, ResultDto? Result);

/// <summary>An oplog entry for display.</summary>
public sealed record OplogEntryDto(long Index, DateTimeOffset Timestamp, string Kind, IReadOnlyList<IReadOnlyList<string>> Fields);

/// <summary>A page of oplog entries.</summary>
public sealed record OplogPageDto(IReadOnlyList<OplogEntryDto> Entries, long? Next);

/// <summary>What a component delete removed.</summary>
/// <param name="Name">The component.</param>
/// <param name="Versions">The versions deleted; their numbers are never reused.</param>
/// <param name="Workers">Workers that were on those versions (only a forced delete leaves any): they keep their oplogs but cannot run.</param>
public sealed record ComponentDeletedDto(string Name, IReadOnlyList<long> Versions, long Workers);
