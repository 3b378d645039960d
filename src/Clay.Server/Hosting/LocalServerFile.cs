using System.Text.Json;

namespace Clay.Server.Hosting;

/// <summary>
/// <c>~/.clay/servers/PORT.json</c>: how <c>clay</c>, run by the same user on the same machine, finds
/// the access token of the server on a loopback port without being told — the server writes where
/// its data directory and token file are; only the user can read it (mode 0600 in a 0700 folder).
/// </summary>
/// <remarks>
/// Fields: <c>port</c>, <c>pid</c>, <c>dataDirectory</c>, <c>tokenFile</c>. The file is removed on a
/// clean stop; one left by a killed server is replaced by the next server on that port, and still
/// names a token that server's data directory keeps.
/// </remarks>
public static class LocalServerFile
{
    /// <summary>The folder of these files.</summary>
    public static string Directory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".clay", "servers");

    /// <summary>The file for a port.</summary>
    public static string PathOf(int port) => Path.Combine(Directory, $"{port}.json");

    /// <summary>Writes the file for <paramref name="port"/>; a failure is reported and otherwise ignored (clients can still be given the token).</summary>
    public static string? Write(int port, string dataDirectory, string tokenFile, Action<string> warn)
    {
        var path = PathOf(port);
        try
        {
            if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
            else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var temporary = path + "." + Environment.ProcessId + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteNumber("port", port);
                json.WriteNumber("pid", Environment.ProcessId);
                json.WriteString("dataDirectory", dataDirectory);
                json.WriteString("tokenFile", tokenFile);
                json.WriteEndObject();
            }
            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warn($"cannot write {path} ({ex.Message}): clay on this machine will not find the access token by itself; give it with CLAY_TOKEN or 'clay profile set token'");
            return null;
        }
    }

    /// <summary>Removes the file for <paramref name="port"/> if this process wrote it.</summary>
    public static void Remove(int port)
    {
        var path = PathOf(port);
        try
        {
            using (var document = JsonDocument.Parse(File.ReadAllBytes(path)))
            {
                if (document.RootElement.GetProperty("pid").GetInt32() != Environment.ProcessId) return;
            }
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Another server took the port since, or the file is gone: nothing to remove.
        }
    }
}
