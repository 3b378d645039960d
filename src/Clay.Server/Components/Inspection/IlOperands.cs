using System.Reflection.Emit;
using System.Reflection.Metadata;

namespace Clay.Server.Components.Inspection;

/// <summary>
/// Walks a method body's instructions. Operand sizes come from the runtime's own opcode table
/// (<see cref="OpCodes"/> describes instructions; nothing is emitted).
/// </summary>
internal static class IlOperands
{
    private static readonly OperandType?[] OneByte = new OperandType?[256];
    private static readonly OperandType?[] TwoByte = new OperandType?[256];

    static IlOperands()
    {
        foreach (var field in typeof(OpCodes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            if (field.GetValue(null) is not OpCode code) continue;
            var value = (ushort)code.Value;
            if (code.Size == 1) OneByte[value & 0xFF] = code.OperandType;
            else TwoByte[value & 0xFF] = code.OperandType;
        }
    }

    /// <summary>One instruction: its opcode and, for instructions that take a metadata token, the token (else 0).</summary>
    public readonly record struct Instruction(ILOpCode OpCode, int Token);

    /// <summary>The instructions of a body, in order.</summary>
    /// <exception cref="BadImageFormatException">The body is not valid IL.</exception>
    public static IEnumerable<Instruction> Read(MethodBodyBlock body)
    {
        var reader = body.GetILReader();
        while (reader.RemainingBytes > 0)
        {
            int first = reader.ReadByte();
            ILOpCode opCode;
            OperandType? operand;
            if (first == 0xFE)
            {
                int second = reader.ReadByte();
                opCode = (ILOpCode)(0xFE00 | second);
                operand = TwoByte[second];
            }
            else
            {
                opCode = (ILOpCode)first;
                operand = OneByte[first];
            }
            var token = 0;
            switch (operand)
            {
                case null:
                    throw new BadImageFormatException($"unknown IL opcode 0x{(int)opCode:X}");
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    reader.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    reader.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    reader.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = reader.ReadInt32();
                    if (targets < 0 || targets > reader.RemainingBytes / 4) throw new BadImageFormatException("a switch with more targets than the body holds");
                    reader.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineSig or OperandType.InlineString
                    or OperandType.InlineTok or OperandType.InlineType:
                    token = reader.ReadInt32();
                    break;
                default: // InlineBrTarget, InlineI, ShortInlineR
                    reader.Offset += 4;
                    break;
            }
            yield return new Instruction(opCode, token);
        }
    }
}
