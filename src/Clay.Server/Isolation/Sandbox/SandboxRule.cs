namespace Clay.Server.Isolation.Sandbox;

/// <summary>A path a sandboxed host may read (and list and execute) beneath, or also write.</summary>
/// <param name="Path">A directory or a file.</param>
/// <param name="Writable">Every right, not only reading.</param>
internal readonly record struct SandboxRule(string Path, bool Writable = false);
