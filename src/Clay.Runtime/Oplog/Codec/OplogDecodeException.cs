using Clay.Runtime.Errors;

namespace Clay.Runtime.Oplog.Codec;

/// <summary>Bytes that are not a valid encoded oplog entry or value.</summary>
public sealed class OplogDecodeException(int offset, string problem)
    : ClayException(ErrorCodes.OplogCorrupt, $"cannot decode oplog data at byte {offset}: {problem}")
{
    /// <summary>Where in the input the problem was found.</summary>
    public int Offset { get; } = offset;
}
