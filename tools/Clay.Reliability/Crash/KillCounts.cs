namespace Clay.Reliability;

/// <summary>How many times the server was stopped, by moment.</summary>
/// <param name="UnderLoad">SIGKILL while the clients' load runs.</param>
/// <param name="DuringStartUp">SIGKILL before the restarted server was ready.</param>
/// <param name="DuringRecovery">SIGKILL shortly after it was ready, while workers were being brought back.</param>
/// <param name="Terminated">SIGTERM under load.</param>
public sealed record KillCounts(int UnderLoad, int DuringStartUp, int DuringRecovery, int Terminated);
