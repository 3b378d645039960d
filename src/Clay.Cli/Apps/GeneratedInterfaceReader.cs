using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Clay.Cli.Apps;

/// <summary>A component interface read from the attribute Clay's source generator writes into an assembly.</summary>
/// <param name="Wit">The interface in WIT-like text.</param>
/// <param name="Signatures">Each exported function's signature, in declaration order.</param>
public sealed record GeneratedInterface(string Wit, IReadOnlyList<string> Signatures);

/// <summary>
/// Reads the <c>Clay.Sdk.Model.ClayWorkerModelAttribute</c>s of an assembly from its metadata, without
/// loading it: <c>clay app build</c> describes a component built with the generator this way, and
/// asks <c>clay-server describe</c> to load by reflection only the assemblies built without it.
/// </summary>
public static class GeneratedInterfaceReader
{
    private const string AttributeNamespace = "Clay.Sdk.Model";
    private const string AttributeName = "ClayWorkerModelAttribute";

    /// <summary>Every generated interface in the assembly at <paramref name="path"/>: none for an assembly built without the generator.</summary>
    public static IReadOnlyList<GeneratedInterface> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) return [];
        var reader = pe.GetMetadataReader();
        var found = new List<GeneratedInterface>();
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (!IsModelAttribute(reader, attribute)) continue;
            var value = attribute.DecodeValue(new StringTypeProvider());
            // (Type workerType, Type modelType, string interfaceName, string wit, string[] signatures)
            if (value.FixedArguments.Length != 5 || value.FixedArguments[3].Value is not string wit
                || value.FixedArguments[4].Value is not ImmutableArray<CustomAttributeTypedArgument<string>> signatures)
            {
                continue;
            }
            found.Add(new GeneratedInterface(wit, [.. signatures.Select(s => (string)s.Value!)]));
        }
        return found;
    }

    private static bool IsModelAttribute(MetadataReader reader, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference) return false;
        var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference) return false;
        var type = reader.GetTypeReference((TypeReferenceHandle)parent);
        return reader.StringComparer.Equals(type.Name, AttributeName) && reader.StringComparer.Equals(type.Namespace, AttributeNamespace);
    }

    /// <summary>Names types as strings: all the decoder needs to read string arguments past <c>typeof</c> ones.</summary>
    private sealed class StringTypeProvider : ICustomAttributeTypeProvider<string>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => throw new BadImageFormatException($"unexpected enum argument {type}");

        public bool IsSystemType(string type) => type is "System.Type" or "Type";
    }
}
