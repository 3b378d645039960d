namespace Clay.Client.Contracts;

/// <summary>The server's nodes (<c>GET /v1/cluster/nodes</c>), what <c>clay server status</c> shows.</summary>
/// <param name="Mode"><c>single</c> (one node on embedded storage) or <c>cluster</c> (nodes sharing PostgreSQL).</param>
/// <param name="Nodes">Its nodes, live ones first.</param>
public sealed record ClusterDto(string Mode, IReadOnlyList<NodeDto> Nodes);
