using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace Clay.Server.Components.Inspection;

/// <summary>Decodes a signature into one answer: does it hold a pointer, a function pointer or a pinned local (unsafe code)?</summary>
internal sealed class PointerTypes : ISignatureTypeProvider<bool, object?>
{
    public static readonly PointerTypes Instance = new();

    public bool GetArrayType(bool elementType, ArrayShape shape) => elementType;
    public bool GetByReferenceType(bool elementType) => elementType;
    public bool GetFunctionPointerType(MethodSignature<bool> signature) => true;
    public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => genericType || typeArguments.Contains(true);
    public bool GetGenericMethodParameter(object? genericContext, int index) => false;
    public bool GetGenericTypeParameter(object? genericContext, int index) => false;
    public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => unmodifiedType;
    public bool GetPinnedType(bool elementType) => true;
    public bool GetPointerType(bool elementType) => true;
    public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => false;
    public bool GetSZArrayType(bool elementType) => elementType;
    public bool GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => false;
    public bool GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => false;
    // A specification is a generic instantiation here, and pointers cannot be type arguments; not
    // following it also keeps a self-referencing specification from recursing without end.
    public bool GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => false;
}
