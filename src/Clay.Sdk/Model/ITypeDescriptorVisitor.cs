namespace Clay.Sdk.Model;

/// <summary>One method per kind of <see cref="TypeDescriptor"/>; generic kinds pass their .NET type arguments.</summary>
/// <typeparam name="TResult">What the visitor builds.</typeparam>
public interface ITypeDescriptorVisitor<out TResult>
{
    /// <summary>bool, integers, floats, char, <see cref="System.Text.Rune"/> or string.</summary>
    TResult VisitPrimitive(PrimitiveDescriptor primitive);

    /// <summary><c>list&lt;T&gt;</c> with .NET element type <typeparamref name="T"/>.</summary>
    TResult VisitList<T>(ListDescriptor<T> list);

    /// <summary><c>option&lt;T&gt;</c>: a nullable value or reference.</summary>
    TResult VisitOption(OptionDescriptor option);

    /// <summary><c>result&lt;T, E&gt;</c> for <see cref="Result{TOk, TError}"/>.</summary>
    TResult VisitResult<TOk, TError>(ResultDescriptor<TOk, TError> result);

    /// <summary><c>tuple&lt;…&gt;</c> for a value tuple.</summary>
    TResult VisitTuple(TupleDescriptor tuple);

    /// <summary>A named record.</summary>
    TResult VisitRecord(RecordDescriptor record);

    /// <summary>A named variant.</summary>
    TResult VisitVariant(VariantDescriptor variant);

    /// <summary>A named enum.</summary>
    TResult VisitEnum(EnumDescriptor @enum);

    /// <summary>A named set of flags.</summary>
    TResult VisitFlags(FlagsDescriptor flags);
}
