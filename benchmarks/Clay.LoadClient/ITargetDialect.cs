namespace Clay.LoadClient;

/// <summary>How a durable-execution server is asked to run a <see cref="CartCall"/> over HTTP.</summary>
public interface ITargetDialect
{
    /// <summary>The request's path and query, relative to the server's base address.</summary>
    string PathOf(CartCall call);

    /// <summary>The request's JSON body.</summary>
    byte[] BodyOf(CartCall call);
}
