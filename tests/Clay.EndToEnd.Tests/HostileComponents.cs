namespace Clay.EndToEnd.Tests;

/// <summary>Components that misbehave on purpose, compiled by the tests; each first calls a <see cref="Beacon"/> to say where it is.</summary>
public static class HostileComponents
{
    /// <summary><c>spin(beacon)</c>: calls the beacon (a POST: recorded as begun before it is sent), then loops for ever.</summary>
    public static byte[] Spinner() => ComponentCompiler.Package("Spinner", """
        namespace Demo;
        [ClayWorker]
        public sealed class Spinner(WorkerContext context)
        {
            public async Task SpinAsync(string beacon)
            {
                using (var response = await context.Http.PostAsync(beacon, null)) { }
                var turns = 0L;
                while (turns >= 0) turns = (turns + 1) & long.MaxValue;
            }
        }
        """);

    /// <summary><c>wait(beacon, ms)</c>: calls the beacon, sleeps durably, returns "done".</summary>
    public static byte[] Sleeper() => ComponentCompiler.Package("Sleeper", """
        namespace Demo;
        [ClayWorker]
        public sealed class Sleeper(WorkerContext context)
        {
            public async Task<string> WaitAsync(string beacon, uint milliseconds)
            {
                using (var response = await context.Http.GetAsync(beacon)) { }
                await context.SleepAsync(TimeSpan.FromMilliseconds(milliseconds));
                return "done";
            }
        }
        """);
}
