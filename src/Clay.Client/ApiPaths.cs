namespace Clay.Client;

/// <summary>The REST API's routes, relative to the server's base address.</summary>
internal static class ApiPaths
{
    public const string Components = "v1/components";

    public static string Component(string component) => Components + "/" + Uri.EscapeDataString(component);

    public static string Workers(string component) => Component(component) + "/workers";

    public static string Worker(string component, string worker) => Workers(component) + "/" + Uri.EscapeDataString(worker);

    /// <summary>Appends the query parameters that have a value, escaped.</summary>
    public static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join("&", parameters.Where(p => p.Value is not null).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)));
        return query.Length == 0 ? path : path + "?" + query;
    }
}
