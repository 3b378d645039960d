using System.IO.Compression;
using System.Text;
using Clay.Reliability;

namespace Clay.Server.Tests.Components;

/// <summary>A real component package: the manifest and the ledger component's assembly, as <c>clay app build</c> lays them out.</summary>
internal static class LedgerPackage
{
    public const string Name = "test:ledger";

    public static string AssemblyFileName => Path.GetFileName(typeof(Ledger).Assembly.Location);

    public static byte[] Build()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "clay-component.json", Encoding.UTF8.GetBytes($$"""{"name":"{{Name}}","entryAssembly":"{{AssemblyFileName}}"}"""));
            Add(zip, AssemblyFileName, File.ReadAllBytes(typeof(Ledger).Assembly.Location));
        }
        return buffer.ToArray();

        static void Add(ZipArchive zip, string entryName, byte[] content)
        {
            using var stream = zip.CreateEntry(entryName).Open();
            stream.Write(content);
        }
    }
}
