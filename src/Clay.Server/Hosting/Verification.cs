using Clay.Runtime.Errors;
using Clay.Storage.Sqlite;

namespace Clay.Server.Hosting;

/// <summary>
/// The offline storage commands: <c>clay-server verify [--data-dir DIR]</c> checks every oplog entry
/// without changing anything and names each affected worker with the first bad entry and why (exit
/// 0 when clean, 1 when damage was found, 2 when the database cannot be read at all);
/// <c>clay-server salvage [--data-dir DIR]</c> rebuilds a database SQLite can no longer use from what
/// can still be read, keeping the damaged file.
/// </summary>
public static class Verification
{
    /// <summary>Runs <c>salvage</c>: run it with the server stopped.</summary>
    public static async Task<int> SalvageAsync(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var options = ServerOptions.Parse(args);
            var path = Path.Combine(options.DataDirectory, "oplog.db");
            var report = await OplogSalvage.RunAsync(path);
            foreach (var finding in report.Findings) output.WriteLine($"lost {finding}");
            output.WriteLine($"salvaged {report.Workers.Sum(w => w.Entries):N0} entries of {report.Workers.Count:N0} workers into {path}; "
                + $"the damaged database is kept as {report.DamagedCopy}");
            return 0;
        }
        catch (ClayException ex)
        {
            error.WriteLine($"error[{ex.Code}]: {ex.Message}");
            return 2;
        }
    }

    /// <summary>Runs <c>verify</c>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var options = ServerOptions.Parse(args);
            var path = Path.Combine(options.DataDirectory, "oplog.db");
            var report = OplogVerifier.Verify(path);
            foreach (var damage in report.Damage) output.WriteLine($"damaged {damage}");
            output.WriteLine($"verified {report.Entries:N0} entries of {report.Workers:N0} workers in {path}: "
                + (report.Damage.Count == 0 ? "no damage" : $"{report.Damage.Count} workers damaged"));
            return report.Damage.Count == 0 ? 0 : 1;
        }
        catch (ClayException ex)
        {
            error.WriteLine($"error[{ex.Code}]: {ex.Message}");
            return 2;
        }
    }
}
