using Clay.Runtime.Errors;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Runtime.Wave;

namespace Clay.Runtime.Components;

/// <summary>Parses WAVE arguments typed by a function's signature.</summary>
public static class ArgumentParser
{
    /// <summary>
    /// One WAVE text per parameter. As in Golem's CLI, a string parameter given as bare text
    /// (without quotes) is taken as that string.
    /// </summary>
    /// <exception cref="ClayException"><c>invalid-arguments</c> for a wrong count; <c>invalid-wave-value</c> naming the argument and position.</exception>
    public static Value[] Parse(ExportedFunction function, IReadOnlyList<string> texts)
    {
        var parameters = function.Parameters;
        if (texts.Count != parameters.Length)
        {
            throw new ClayException(ErrorCodes.InvalidArguments,
                $"{function.Name} takes {parameters.Length} argument{(parameters.Length == 1 ? "" : "s")} but {texts.Count} {(texts.Count == 1 ? "was" : "were")} given; expected {function.Signature}");
        }
        var values = new Value[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var parameter = parameters[i];
            try
            {
                values[i] = WaveParser.Parse(texts[i], parameter.Type);
            }
            catch (WaveException) when (parameter.Type == ClayType.String && !texts[i].TrimStart().StartsWith('"'))
            {
                values[i] = new Value.String(texts[i]);
            }
            catch (WaveException ex)
            {
                throw new ClayException(ErrorCodes.InvalidWaveValue,
                    $"argument {i + 1} ({parameter.Name}: {WitPrinter.PrintType(parameter.Type)}) of {function.Name}: {ex.Message}");
            }
        }
        return values;
    }
}
