using System.Diagnostics;
using System.Text.Json;
using Clay.Server.Hosting;

namespace Clay.Server.Tests.Hosting;

/// <summary>The notes in <c>~/.clay/servers</c> through which clay finds a local server's token.</summary>
public sealed class LocalServerFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Directory.CreateTempSubdirectory("clay-servers-").FullName, "servers");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);

    [Fact]
    public void A_server_notes_where_its_token_is_readable_by_its_user_only_and_removes_only_its_own_note()
    {
        var path = LocalServerFile.Write(_directory, 9881, "/data", "/data/access-token", Unexpected);

        Assert.Equal(Path.Combine(_directory, "9881.json"), path);
        using (var note = JsonDocument.Parse(File.ReadAllBytes(path!)))
        {
            Assert.Equal(9881, note.RootElement.GetProperty("port").GetInt32());
            Assert.Equal(Environment.ProcessId, note.RootElement.GetProperty("pid").GetInt32());
            Assert.Equal("/data/access-token", note.RootElement.GetProperty("tokenFile").GetString());
        }
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
        }

        // Another server has taken the port since: its note stays.
        var other = Note(9882, AnExitedProcess());
        LocalServerFile.Remove(_directory, 9882);
        Assert.True(File.Exists(other));

        LocalServerFile.Remove(_directory, 9881);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Writing_its_note_a_server_removes_those_of_servers_no_longer_running_and_keeps_the_rest()
    {
        var gone = Note(9001, AnExitedProcess());
        var alsoGone = Note(9002, AnExitedProcess());
        var running = Note(9003, Environment.ProcessId);
        var unreadable = Path.Combine(_directory, "9004.json");
        File.WriteAllText(unreadable, "not a note");
        var other = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(other, "not ours");

        LocalServerFile.Write(_directory, 9005, "/data", "/data/access-token", Unexpected);

        Assert.False(File.Exists(gone));
        Assert.False(File.Exists(alsoGone));
        Assert.True(File.Exists(running));
        Assert.True(File.Exists(unreadable));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(Path.Combine(_directory, "9005.json")));
    }

    private string Note(int port, int pid)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"{port}.json");
        File.WriteAllText(path, $$"""{"port":{{port}},"pid":{{pid}},"dataDirectory":"/d","tokenFile":"/d/access-token"}""");
        return path;
    }

    /// <summary>The id of a process that has run and exited (and been reaped).</summary>
    private static int AnExitedProcess()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    private static void Unexpected(string warning) => Assert.Fail(warning);
}
