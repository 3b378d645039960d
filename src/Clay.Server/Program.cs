using Clay.Runtime.Errors;
using Clay.Server.Hosting;

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
