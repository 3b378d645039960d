using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;

namespace Clay.Cluster.Serialization;

/// <summary>Registers how Clay's types cross grain calls; every silo and client of a Clay cluster needs it.</summary>
public static class ClaySerialization
{
    /// <summary>
    /// Clay's errors cross the grain as themselves (their code rides in <see cref="Exception.Data"/>),
    /// values and the runtime's replies pass by reference inside a silo, and values travel between
    /// silos in Clay's own encoding.
    /// </summary>
    public static ISerializerBuilder AddClaySerialization(this ISerializerBuilder serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        serializer.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Clay"));
        // Lists of values name Clay's Value type on the wire.
        serializer.Services.Configure<Orleans.Serialization.Configuration.TypeManifestOptions>(o => o.AddAllowedAssembly(typeof(Clay.Runtime.Values.Value).Assembly));
        serializer.Services.AddSingleton<IGeneralizedCodec, ValueFieldCodec>();
        serializer.Services.AddSingleton<IGeneralizedCopier, ImmutableClayTypesCopier>();
        return serializer;
    }
}
