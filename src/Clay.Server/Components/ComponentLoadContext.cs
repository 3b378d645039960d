using System.Reflection;
using System.Runtime.Loader;

namespace Clay.Server.Components;

/// <summary>
/// Loads one component version's assemblies in isolation. The SDK is shared with the host, so the
/// worker class and the runtime agree on <c>WorkerContext</c> and the SDK's types.
/// </summary>
internal sealed class ComponentLoadContext(string directory) : AssemblyLoadContext(isCollectible: true)
{
    private static readonly string[] Shared = ["Clay.Sdk"];

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (Shared.Contains(assemblyName.Name, StringComparer.Ordinal)) return null;
        var candidate = Path.Combine(directory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
