using System.Net.Http.Headers;
using System.Text.Json;

namespace Clay.EndToEnd.Tests;

/// <summary>Uploads component packages over REST, as `clay app deploy` does.</summary>
public static class Uploads
{
    /// <summary>Uploads <paramref name="package"/> as <paramref name="name"/>; returns the status and the JSON body.</summary>
    public static Task<(int Status, JsonElement Body)> SendAsync(HttpClient http, string name, byte[] package) =>
        SendAsync(http, name, new ByteArrayContent(package));

    /// <summary>Uploads a package streamed from <paramref name="package"/> (chunked: no length announced).</summary>
    public static Task<(int Status, JsonElement Body)> SendAsync(HttpClient http, string name, Stream package) =>
        SendAsync(http, name, new StreamContent(package));

    private static async Task<(int Status, JsonElement Body)> SendAsync(HttpClient http, string name, HttpContent package)
    {
        package.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { package, "package", "package.zip" },
        };
        using var response = await http.PostAsync("/v1/components", form);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        return ((int)response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>The error of a refused upload: its code and message.</summary>
    public static (string Code, string Message) Error(JsonElement body)
    {
        var error = body.GetProperty("error");
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    /// <summary>Asserts that the data directory holds nothing of refused uploads: no staging file, no unpacked version of <paramref name="component"/>.</summary>
    public static void AssertNothingLeft(string dataDirectory, string component)
    {
        var staging = Path.Combine(dataDirectory, "uploads");
        Assert.True(!Directory.Exists(staging) || !Directory.EnumerateFileSystemEntries(staging).Any(),
            $"left in {staging}: {string.Join(", ", Directory.Exists(staging) ? Directory.EnumerateFileSystemEntries(staging) : [])}");
        var folder = Path.Combine(dataDirectory, "components", component.Replace(':', '_'));
        var versions = Directory.Exists(folder) ? Directory.EnumerateDirectories(folder).ToList() : [];
        Assert.True(versions.Count == 0, $"version directories left: {string.Join(", ", versions)}");
    }
}
