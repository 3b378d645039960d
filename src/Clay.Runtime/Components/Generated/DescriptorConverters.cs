using Clay.Runtime.Components.Converters;
using Clay.Runtime.Types;
using Clay.Sdk.Model;

namespace Clay.Runtime.Components.Generated;

/// <summary>
/// Builds value converters from a generated model's descriptors: the generated lambdas construct
/// objects and read properties, so nothing is reflected over or compiled. Named types are built
/// once each and collected in first-use order, innermost first, as the reflection model does.
/// </summary>
internal sealed class DescriptorConverters : ITypeDescriptorVisitor<ValueConverter>
{
    private readonly Dictionary<TypeDescriptor, ValueConverter> _named = new(ReferenceEqualityComparer.Instance);
    private readonly List<ClayType> _namedInOrder = [];

    /// <summary>The named types in first-use order.</summary>
    public IReadOnlyList<ClayType> NamedTypes => _namedInOrder;

    public ValueConverter Convert(TypeDescriptor descriptor) => descriptor.Accept(this);

    public ValueConverter VisitPrimitive(PrimitiveDescriptor primitive) =>
        PrimitiveConverter.For(primitive.ClrType) ?? throw new InvalidOperationException($"{primitive.ClrType} is not a primitive");

    public ValueConverter VisitList<T>(ListDescriptor<T> list) => new ListConverter<T>(Convert(list.Element), list.Kind switch
    {
        ListKind.Array => ListShape.Array,
        ListKind.List => ListShape.List,
        ListKind.ImmutableArray => ListShape.ImmutableArray,
        _ => throw new InvalidOperationException($"unknown list kind {list.Kind}"),
    });

    public ValueConverter VisitOption(OptionDescriptor option) => new OptionConverter(Convert(option.Inner));

    public ValueConverter VisitResult<TOk, TError>(ResultDescriptor<TOk, TError> result) =>
        new ResultConverter<TOk, TError>(result.Ok is null ? null : Convert(result.Ok), result.Error is null ? null : Convert(result.Error));

    public ValueConverter VisitTuple(TupleDescriptor tuple) => new TupleConverter([.. tuple.Elements.Select(Convert)], tuple.Create);

    public ValueConverter VisitRecord(RecordDescriptor record) => Named(record, () => Record(record));

    public ValueConverter VisitVariant(VariantDescriptor variant) => Named(variant, () =>
    {
        var cases = new List<VariantCase>();
        foreach (var c in variant.Cases)
        {
            ValueConverter? payload = null;
            if (c.Payload is RecordDescriptor caseRecord && c.GetPayload is not null && IsCaseRecord(c))
            {
                // A case of several properties carries a record of them, listed before the variant.
                payload = Record(caseRecord);
                _namedInOrder.Add(payload.Type);
            }
            else if (c.Payload is not null)
            {
                payload = Convert(c.Payload);
            }
            cases.Add(new VariantCase(c.Name, c.ClrType, payload, c.GetPayload, c.Create));
        }
        return new VariantConverter(variant.Name, cases);
    });

    public ValueConverter VisitEnum(EnumDescriptor @enum) => Named(@enum, () =>
        new EnumConverter(new ClayType.Enum(@enum.Name, @enum.Cases.Select(c => c.Name).ToArray()), [.. @enum.Cases.Select(c => (c.Name, c.Value))]));

    public ValueConverter VisitFlags(FlagsDescriptor flags) => Named(flags, () =>
        new FlagsConverter(new ClayType.Flags(flags.Name, flags.Flags.Select(f => f.Name).ToArray()), [.. flags.Flags.Select(f => (f.Name, f.Bit))],
            flags.ToBits, flags.FromBits));

    private RecordConverter Record(RecordDescriptor record) =>
        new(record.Name, [.. record.Fields.Select(f => new RecordMember(f.Name, f.Get, Convert(f.Type)))], record.Create);

    /// <summary>True when the case's payload is the case object itself (a record of its properties).</summary>
    private static bool IsCaseRecord(CaseDescriptor c) => c.Payload is RecordDescriptor record && record.ClrType == c.ClrType;

    private ValueConverter Named(TypeDescriptor descriptor, Func<ValueConverter> build)
    {
        if (_named.TryGetValue(descriptor, out var known)) return known;
        var converter = build();
        _named[descriptor] = converter;
        _namedInOrder.Add(converter.Type);
        return converter;
    }
}
