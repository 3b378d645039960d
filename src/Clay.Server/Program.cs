using Clay.Runtime.Errors;
using Clay.Server.Components;
using Clay.Server.Hosting;

if (args.Length > 0 && args[0] == Clay.Server.Isolation.ComponentHostMain.Command) return await Clay.Server.Isolation.ComponentHostMain.RunAsync();
if (args.Length > 0 && args[0] == "describe") return ComponentDescriber.Run(args[1..], Console.Out);
if (args.Length > 0 && args[0] == "verify") return Verification.Run(args[1..], Console.Out, Console.Error);
if (args.Length > 0 && args[0] == "salvage") return await Verification.SalvageAsync(args[1..], Console.Out, Console.Error);
// Before anything starts: the server may execute itself again with a runtime setting it wants.
ServerRuntime.Apply(args);
ServerThreadPool.Apply(Environment.GetEnvironmentVariables());

ServerOptions? options = null;
try
{
    options = ServerOptions.Parse(args);
    await using var app = await ClayServer.BuildAsync(options);
    await app.RunAsync();
    if (!ShutdownWatchdog.TimedOut(options.ShutdownTimeout)) return ServerExitCodes.Ok;
    Console.Error.WriteLine(ShutdownWatchdog.Message(options.ShutdownTimeout));
    return ServerExitCodes.ForcedStop;
}
catch (ClayException ex)
{
    Console.Error.WriteLine($"error[{ex.Code}]: {ex.Message}");
    return ServerExitCodes.Usage;
}
catch (IOException ex) when (options is not null && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Taken between the probe and the start.
    var inUse = PortProbe.InUse(options.Listen, options.Port);
    Console.Error.WriteLine($"error[{inUse.Code}]: {inUse.Message}");
    return ServerExitCodes.Usage;
}
