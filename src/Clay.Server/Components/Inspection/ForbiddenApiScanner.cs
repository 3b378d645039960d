using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Clay.Runtime.Errors;

namespace Clay.Server.Components.Inspection;

/// <summary>
/// Reads a component's IL, without loading it, for what a component must not do: end the process,
/// start processes, call native code (P/Invoke, function pointers, <c>NativeLibrary</c>), unsafe
/// code (pointers, pinning, <c>Unsafe</c>), generate or load unchecked code. Each finding names the
/// method that does it and what it calls.
/// </summary>
/// <remarks>
/// This is a check of honest code, not a sandbox: reflection by name reaches any API without
/// referencing it. Component isolation is what contains code that gets past it.
/// </remarks>
public static class ForbiddenApiScanner
{
    /// <summary>Signatures longer than this are refused: decoding is recursive, and no real method needs one.</summary>
    private const int MaxSignatureBytes = 8192;

    private const int MaxReported = 5;

    /// <summary>
    /// Checks every assembly in <paramref name="directory"/> (but the SDK, which the server provides)
    /// and throws <c>forbidden-api</c> naming up to five findings; files that are not .NET assemblies are skipped.
    /// </summary>
    /// <exception cref="ClayException"><c>forbidden-api</c>, or <c>invalid-component</c> for metadata that cannot be read.</exception>
    public static void Check(string directory)
    {
        var findings = new List<string>();
        ClayException? unreadable = null;
        // Signature decoding recurses; a deep stack keeps a hostile signature from ending the process.
        var thread = new Thread(() =>
        {
            foreach (var path in Directory.EnumerateFiles(directory, "*.dll", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (Path.GetFileName(path) == "Clay.Sdk.dll") continue;
                try
                {
                    findings.AddRange(Scan(path));
                }
                catch (BadImageFormatException ex)
                {
                    unreadable = new ClayException(ErrorCodes.InvalidComponent,
                        $"{Path.GetRelativePath(directory, path)} is not a valid .NET assembly: {ex.Message}");
                    return;
                }
            }
        }, maxStackSize: 64 << 20);
        thread.Start();
        thread.Join();
        if (unreadable is not null) throw unreadable;
        if (findings.Count == 0) return;
        var shown = string.Join("; ", findings.Take(MaxReported));
        var more = findings.Count > MaxReported ? $"; and {findings.Count - MaxReported} more" : "";
        throw new ClayException(ServerErrorCodes.ForbiddenApi, $"the component calls what a component must not: {shown}{more}");
    }

    /// <summary>The findings in one assembly, each a sentence naming the method; empty when it is clean or not a .NET assembly.</summary>
    /// <exception cref="BadImageFormatException">The metadata or IL is malformed.</exception>
    public static IReadOnlyList<string> Scan(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) return [];
        var reader = pe.GetMetadataReader();
        var file = Path.GetFileName(assemblyPath);
        var findings = new List<string>();
        foreach (var typeHandle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(typeHandle);
            foreach (var fieldHandle in type.GetFields())
            {
                var field = reader.GetFieldDefinition(fieldHandle);
                if (HoldsPointer(reader, field.Signature, SignatureKind.Field))
                {
                    findings.Add($"{CallerNames.TypeName(reader, type)}.{reader.GetString(field.Name)} (in {file}) has a pointer type: unsafe code");
                }
            }
            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                var caller = CallerNames.Of(reader, type, method);
                if ((method.Attributes & MethodAttributes.PinvokeImpl) != 0)
                {
                    var import = method.GetImport();
                    var library = import.Module.IsNil ? "?" : reader.GetString(reader.GetModuleReference(import.Module).Name);
                    findings.Add($"{caller} (in {file}) is a P/Invoke into {library} (DllImport or LibraryImport): a component must not call native code");
                }
                if (HoldsPointer(reader, method.Signature, SignatureKind.Method))
                {
                    findings.Add($"{caller} (in {file}) takes or returns a pointer: unsafe code");
                }
                if (method.RelativeVirtualAddress == 0) continue;
                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil
                    && HoldsPointer(reader, reader.GetStandaloneSignature(body.LocalSignature).Signature, SignatureKind.Locals))
                {
                    findings.Add($"{caller} (in {file}) uses pointers or pins memory: unsafe code");
                }
                ScanBody(reader, body, $"{caller} (in {file})", findings);
            }
        }
        return findings.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void ScanBody(MetadataReader reader, MethodBodyBlock body, string caller, List<string> findings)
    {
        var previous = (ILOpCode)0;
        foreach (var instruction in IlOperands.Read(body))
        {
            switch (instruction.OpCode)
            {
                case ILOpCode.Calli:
                    findings.Add($"{caller} calls through a function pointer: a component must not call native code");
                    break;
                case ILOpCode.Conv_u or ILOpCode.Conv_i when previous is ILOpCode.Ldloca or ILOpCode.Ldloca_s or ILOpCode.Ldarga
                    or ILOpCode.Ldarga_s or ILOpCode.Ldflda or ILOpCode.Ldsflda or ILOpCode.Ldelema:
                    findings.Add($"{caller} takes the address of a variable as a pointer: unsafe code");
                    break;
                case ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Ldftn or ILOpCode.Ldvirtftn or ILOpCode.Jmp:
                    if (Target(reader, MetadataTokens.EntityHandle(instruction.Token)) is var (ns, typeName, member, pinvoke))
                    {
                        if (pinvoke) findings.Add($"{caller} calls {typeName}.{member}, a P/Invoke: a component must not call native code");
                        else if (ForbiddenApis.Reason(ns, typeName, member) is { } reason)
                        {
                            var display = member == ".ctor" ? $"new {Qualified(ns, typeName)}" : $"{Qualified(ns, typeName)}.{member}";
                            findings.Add($"{caller} calls {display}: {reason}");
                        }
                    }
                    break;
            }
            previous = instruction.OpCode;
        }
    }

    /// <summary>The called member's namespace, type and name (and whether it is this assembly's own P/Invoke); null when not a method.</summary>
    private static (string Namespace, string Type, string Member, bool PInvoke)? Target(MetadataReader reader, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodSpecification:
                return Target(reader, reader.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            case HandleKind.MethodDefinition:
                var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                if ((method.Attributes & MethodAttributes.PinvokeImpl) == 0) return null;
                var owner = reader.GetTypeDefinition(method.GetDeclaringType());
                return ("", CallerNames.TypeName(reader, owner), reader.GetString(method.Name), true);
            case HandleKind.MemberReference:
                var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                if (member.Parent.Kind != HandleKind.TypeReference) return null;
                var type = reader.GetTypeReference((TypeReferenceHandle)member.Parent);
                // A nested type's namespace is its outer type's; none of the forbidden types is nested.
                var ns = type.ResolutionScope.Kind == HandleKind.TypeReference ? "" : reader.GetString(type.Namespace);
                return (ns, reader.GetString(type.Name), reader.GetString(member.Name), false);
            default:
                return null;
        }
    }

    private static string Qualified(string ns, string type) => ns.Length == 0 ? type : ns + "." + type;

    private enum SignatureKind { Field, Method, Locals }

    private static bool HoldsPointer(MetadataReader reader, BlobHandle signature, SignatureKind kind)
    {
        var blob = reader.GetBlobReader(signature);
        if (blob.Length > MaxSignatureBytes) throw new BadImageFormatException($"a signature of {blob.Length:N0} bytes");
        var decoder = new SignatureDecoder<bool, object?>(PointerTypes.Instance, reader, genericContext: null);
        switch (kind)
        {
            case SignatureKind.Field:
                return decoder.DecodeFieldSignature(ref blob);
            case SignatureKind.Method:
                var method = decoder.DecodeMethodSignature(ref blob);
                return method.ReturnType || method.ParameterTypes.Contains(true);
            default:
                return decoder.DecodeLocalSignature(ref blob).Contains(true);
        }
    }
}
