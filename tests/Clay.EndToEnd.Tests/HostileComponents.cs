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

    /// <summary>
    /// A worker with a counter (<c>count</c>) and three ways to bring its process down: <c>exit</c>
    /// (Environment.Exit, reached by reflection as code that gets past the upload check would),
    /// <c>recurse</c> (unbounded recursion: a stack overflow), <c>allocate</c> (memory without bound);
    /// two ways to hold its worker for ever: <c>spin</c> (an endless loop), <c>block</c> and <c>wait</c>
    /// (Thread.Sleep(Infinite), a Task.Wait that never ends); <c>linger(ms)</c> (a harmless call that
    /// takes its time, then counts); a durable <c>nap(seconds)</c>; and ways to look around:
    /// <c>read(path)</c> (a file's length), <c>list(path)</c>, <c>env(name)</c>, <c>scratch</c> (writes
    /// and reads a file in its working directory).
    /// </summary>
    public static byte[] Crasher() => ComponentCompiler.Package("Crasher", """
        namespace Demo;
        [ClayWorker]
        public sealed class Crasher(WorkerContext context)
        {
            private int _count;
            public int Count() => ++_count;
            public void Exit() => Type.GetType("System.Environment")!.GetMethod("Exit")!.Invoke(null, new object[] { 0 });
            public int Recurse(int depth) => Recurse(depth + 1) + 1;
            public int Allocate()
            {
                var held = new System.Collections.Generic.List<byte[]>();
                while (true) held.Add(new byte[1 << 20]);
            }
            public long Spin()
            {
                var turns = 0L;
                while (turns >= 0) turns = (turns + 1) & long.MaxValue;
                return turns;
            }
            public void Block() => System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
            public int Linger(uint milliseconds)
            {
                System.Threading.Thread.Sleep((int)milliseconds);
                return ++_count;
            }
            public int Wait() => new TaskCompletionSource<int>().Task.Result;
            public async Task<string> NapAsync(uint seconds)
            {
                await context.SleepAsync(TimeSpan.FromSeconds(seconds));
                return "rested";
            }
            public int Read(string path) => System.IO.File.ReadAllBytes(path).Length;
            public int List(string path) => System.IO.Directory.GetFileSystemEntries(path).Length;
            public string Env(string name) => Environment.GetEnvironmentVariable(name) ?? "unset";
            public string Scratch()
            {
                System.IO.File.WriteAllText("note.txt", "kept");
                return System.IO.File.ReadAllText("note.txt");
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
