return await Clay.Cli.ClayCommandLine.RunAsync(args);
