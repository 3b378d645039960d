using Clay.Runtime.Errors;

namespace Clay.Cluster.Workers;

/// <summary>
/// Keeps a Clay error able to cross from one node to another. A node's error can carry the
/// exception of a library it uses (a PostgreSQL driver's, say) that the other nodes' serializer
/// has no codec for: the caller would then get an internal error instead of the code. Such an
/// error crosses as its code and message, without the foreign exception (which the node that raised
/// it logs). <see cref="WorkerGrain"/> applies it to every error it answers with.
/// </summary>
public static class PortableErrors
{
    /// <summary>
    /// <paramref name="error"/> itself when every exception inside it is Clay's or .NET's; else, for a
    /// plain <see cref="ClayException"/>, the same code and message without the others' exceptions.
    /// Subclasses (which carry fields of their own) are left as they are.
    /// </summary>
    public static ClayException Portable(ClayException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.GetType() != typeof(ClayException)) return error;
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!IsOwnOrDotNets(inner.GetType())) return new ClayException(error.Code, error.Message);
        }
        return error;
    }

    private static bool IsOwnOrDotNets(Type type)
    {
        var assembly = type.Assembly.GetName().Name ?? "";
        return assembly is "System.Private.CoreLib" or "mscorlib"
            || assembly.StartsWith("System.", StringComparison.Ordinal)
            || assembly.StartsWith("Clay.", StringComparison.Ordinal);
    }
}
