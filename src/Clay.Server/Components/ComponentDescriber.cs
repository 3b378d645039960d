using System.Text.Json;
using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Runtime.Types;

namespace Clay.Server.Components;

/// <summary>
/// <c>clay-server describe ASSEMBLY…</c>: loads component assemblies exactly as the registry will
/// and prints their interfaces as JSON, so <c>clay app build</c> can validate a component and
/// write its interface into the package manifest before anything is uploaded. Code that calls what
/// a component must not is refused here already, as the server would refuse it.
/// </summary>
public static class ComponentDescriber
{
    /// <summary>Writes one JSON object per line: <c>{"assembly", "wit", "exports"}</c> or <c>{"assembly", "error": {code, message}}</c>. Returns 0 when all loaded.</summary>
    public static int Run(IReadOnlyList<string> assemblies, TextWriter output)
    {
        var failures = 0;
        foreach (var path in assemblies)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("assembly", path);
                try
                {
                    var full = Path.GetFullPath(path);
                    // The same check as at upload, on what the package will hold: the assembly's folder.
                    Inspection.ForbiddenApiScanner.Check(Path.GetDirectoryName(full)!);
                    var context = new ComponentLoadContext(Path.GetDirectoryName(full)!);
                    var model = ComponentModel.Load(context.LoadFromAssemblyPath(full));
                    json.WriteString("wit", WitPrinter.Print(model));
                    json.WriteStartArray("exports");
                    foreach (var function in model.Functions)
                    {
                        json.WriteStartArray();
                        json.WriteStringValue(function.Name);
                        json.WriteStringValue(function.Signature);
                        json.WriteEndArray();
                    }
                    json.WriteEndArray();
                }
                catch (Exception ex) when (ex is ClayException or BadImageFormatException or FileNotFoundException or FileLoadException)
                {
                    failures++;
                    json.WriteStartObject("error");
                    json.WriteString("code", ex is ClayException clay ? clay.Code : ErrorCodes.InvalidComponent);
                    json.WriteString("message", ex.Message);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        return failures == 0 ? 0 : 1;
    }
}
