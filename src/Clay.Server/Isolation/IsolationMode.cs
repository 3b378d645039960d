namespace Clay.Server.Isolation;

/// <summary>Where the server runs component code (<c>--isolation</c>).</summary>
public enum IsolationMode
{
    /// <summary>In one supervised host process per component: a component that crashes its process fails only its own workers.</summary>
    Process,

    /// <summary>In the server's own process: the fastest, for trusted code only — a component that ends its process ends the server.</summary>
    None,
}
