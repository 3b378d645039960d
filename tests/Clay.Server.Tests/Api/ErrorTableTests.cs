using System.Reflection;
using Clay.Client;
using Clay.Runtime.Errors;
using Clay.Server.Api;

namespace Clay.Server.Tests.Api;

/// <summary>The one table of error codes: complete, with no stale rows, and printed as it is in docs/errors.md.</summary>
public sealed class ErrorTableTests
{
    /// <summary>Every code the runtime, the server and the client define as a constant.</summary>
    private static readonly IReadOnlyList<string> Defined = new[] { typeof(ErrorCodes), typeof(ServerErrorCodes), typeof(ClientErrorCodes) }
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Distinct(StringComparer.Ordinal)
        .ToList();

    [Fact]
    public void Every_defined_code_has_a_row_and_every_row_a_defined_code()
    {
        Assert.DoesNotContain(Defined, code => ErrorTable.Find(code) is null);
        Assert.Empty(ErrorTable.Rows.Select(r => r.Code).Except(Defined, StringComparer.Ordinal));
        Assert.Equal(ErrorTable.Rows.Count, ErrorTable.Rows.Select(r => r.Code).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_server_answers_every_code_of_its_own_with_the_table_s_status()
    {
        // The client's own codes, and the one a server reports by exiting before it serves anything.
        var serverSide = Defined.Except([ClientErrorCodes.ServerUnreachable, ClientErrorCodes.ServerError, ClientErrorCodes.ServerDisconnected,
            ClientErrorCodes.StreamLost, ServerErrorCodes.PortInUse], StringComparer.Ordinal).ToList();

        Assert.All(serverSide, code => Assert.True(ErrorTable.Find(code)!.HttpStatus is >= 200 and < 600, $"{code} has no HTTP status"));
        Assert.All(serverSide, code => Assert.Equal(ErrorTable.Find(code)!.HttpStatus, ApiErrors.StatusOf(code)));
        // Only the invocation that is still waiting is answered with a success status.
        Assert.Equal([ErrorCodes.InvocationSuspended], serverSide.Where(code => ApiErrors.StatusOf(code) < 400));
        Assert.Equal(500, ApiErrors.StatusOf("a-code-nobody-defined"));
    }

    [Fact]
    public void Docs_errors_md_lists_every_row_as_the_table_has_it()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "errors.md"));
        var rows = doc.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();

        Assert.Equal(ErrorTable.Rows.Count, rows.Count);
        foreach (var row in ErrorTable.Rows)
        {
            var status = row.HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—";
            Assert.Contains(rows, l => l.StartsWith($"| `{row.Code}` | {status} | {row.Kind} | ", StringComparison.Ordinal));
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Clay.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Clay.slnx)");
    }
}
