using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// A server whose console nobody reads — its standard output a full pipe, as behind a terminal paused
/// with Ctrl-S or a stalled log shipper — keeps serving: the lines it cannot print are dropped from its
/// console, not waited for, and stay in the workers' oplogs.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class UnreadConsoleTests(UnreadConsoleTests.Server talker) : IClassFixture<UnreadConsoleTests.Server>
{
    /// <summary>The talker's server with a short console queue, so a few hundred lines fill it.</summary>
    public sealed class Server : TalkerServer
    {
        /// <summary>Lines the console keeps waiting for the pipe.</summary>
        public const int QueueLength = 32;

        protected override void Configure(ServerProcess server) =>
            server.Environment["Logging__Console__MaxQueueLength"] = QueueLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Workers_go_on_and_keep_their_lines_when_the_servers_output_is_not_read()
    {
        // 400 lines of about a kilobyte: six times what a pipe holds, with the console's queue on top.
        const int Lines = 400;
        talker.Server.StopReadingOutput();
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        using var shout = await talker.Http.PostAsJsonAsync($"/v1/components/{TalkerServer.Component}/workers/loud/invoke",
            new { function = "shout", args = new[] { $"{Lines}", "1000" } }, bounded.Token);
        Assert.True(shout.IsSuccessStatusCode, await shout.Content.ReadAsStringAsync(bounded.Token));
        // Another worker is served too, with its own line.
        await talker.InvokeAsync("quiet", "talk", "1", "0", "0").WaitAsync(bounded.Token);

        await using var logs = await SseStream.OpenAsync(talker.Http, talker.LogsPath("loud"), "0");
        var kept = (await logs.TakeAsync("log", Lines).WaitAsync(bounded.Token)).Where(e => e.Name == "log")
            .Select(e => JsonNode.Parse(e.Data)!["message"]!.GetValue<string>().Split(' ')[1]);
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), kept);
    }
}
