using Clay.Runtime.Errors;
using Clay.Server.Components;
using Clay.Server.Hosting;

if (args.Length > 0 && args[0] == "describe") return ComponentDescriber.Run(args[1..], Console.Out);
if (args.Length > 0 && args[0] == "verify") return Verification.Run(args[1..], Console.Out, Console.Error);
if (args.Length > 0 && args[0] == "salvage") return await Verification.SalvageAsync(args[1..], Console.Out, Console.Error);

try
{
    var options = ServerOptions.Parse(args);
    await using var app = await ClayServer.BuildAsync(options);
    await app.RunAsync();
    return 0;
}
catch (ClayException ex)
{
    Console.Error.WriteLine($"error[{ex.Code}]: {ex.Message}");
    return 2;
}
