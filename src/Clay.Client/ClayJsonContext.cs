using System.Text.Json;
using System.Text.Json.Serialization;
using Clay.Client.Contracts;

namespace Clay.Client;

/// <summary>
/// Source-generated JSON metadata of the API's contract types, with the API's conventions
/// (camelCase names, case-insensitive reading): serializing them needs no reflection, so a
/// trimmed or NativeAOT application can use <see cref="ClayClient"/>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ComponentDto))]
[JsonSerializable(typeof(ComponentListDto))]
[JsonSerializable(typeof(ComponentDeletedDto))]
[JsonSerializable(typeof(CreateWorkerDto))]
[JsonSerializable(typeof(WorkerDto))]
[JsonSerializable(typeof(WorkerListDto))]
[JsonSerializable(typeof(InvokeDto))]
[JsonSerializable(typeof(InvokeResultDto))]
[JsonSerializable(typeof(OplogPageDto))]
[JsonSerializable(typeof(OplogEntryDto))]
[JsonSerializable(typeof(Export.OplogExportHeader))]
[JsonSerializable(typeof(CompletePromiseDto))]
[JsonSerializable(typeof(PromiseCompletedDto))]
[JsonSerializable(typeof(ScheduleListDto))]
[JsonSerializable(typeof(CancelledDto))]
[JsonSerializable(typeof(RevertDto))]
[JsonSerializable(typeof(UpdateWorkerDto))]
[JsonSerializable(typeof(WorkerUpdateDto))]
[JsonSerializable(typeof(ForkDto))]
[JsonSerializable(typeof(ApiErrorBody))]
[JsonSerializable(typeof(ClusterDto))]
[JsonSerializable(typeof(LogLineDto))]
[JsonSerializable(typeof(LogGapDto))]
public sealed partial class ClayJsonContext : JsonSerializerContext;
