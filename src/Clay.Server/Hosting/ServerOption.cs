namespace Clay.Server.Hosting;

/// <summary>
/// One server option, as each configuration source spells it: <c>--memory-budget</c> on the
/// command line, <c>memory-budget</c> in server.conf, <c>Clay:MemoryBudget</c> in appsettings.json,
/// <c>CLAY__MEMORYBUDGET</c> in the environment.
/// </summary>
/// <param name="Name">The kebab-case name, for example <c>memory-budget</c>.</param>
/// <param name="Apply">Sets the option's value; throws <c>invalid-arguments</c> for a bad value, naming the problem.</param>
internal sealed record ServerOption(string Name, Func<ServerOptions, string, ServerOptions> Apply)
{
    /// <summary>The configuration key within the <c>Clay</c> section, for example <c>MemoryBudget</c>.</summary>
    public string Key { get; } = string.Concat(Name.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>The command-line switch, for example <c>--memory-budget</c>.</summary>
    public string Switch => "--" + Name;
}
