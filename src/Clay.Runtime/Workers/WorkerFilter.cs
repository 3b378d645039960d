using System.Globalization;
using System.Text.RegularExpressions;
using Clay.Runtime.Errors;

namespace Clay.Runtime.Workers;

/// <summary>What a <see cref="WorkerFilter"/> looks at.</summary>
/// <param name="Name">The worker's name.</param>
/// <param name="Version">The component version it runs.</param>
/// <param name="Status">Its status name, for example <c>Idle</c>.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Env">Its environment.</param>
public sealed record WorkerFilterSubject(string Name, long Version, string Status, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, string> Env);

/// <summary>
/// One <c>clay worker list --filter</c> clause: <c>property op value</c>. Properties: <c>name</c>,
/// <c>version</c>, <c>status</c>, <c>created-at</c>, <c>env.KEY</c>. Operators: <c>==</c>/<c>eq</c>,
/// <c>!=</c>/<c>ne</c>, <c>like</c> (contains), <c>notlike</c>, and <c>&gt;=</c>, <c>&gt;</c>,
/// <c>&lt;=</c>, <c>&lt;</c> (also <c>ge gt le lt</c>) on ordered properties. Status values are
/// case-insensitive; other text is compared exactly.
/// </summary>
public sealed partial class WorkerFilter
{
    private readonly string _property;
    private readonly string _op;
    private readonly string _value;

    private WorkerFilter(string property, string op, string value)
    {
        _property = property;
        _op = op;
        _value = value;
    }

    /// <summary>Parses one clause.</summary>
    /// <exception cref="ClayException">With code <c>invalid-worker-filter</c>.</exception>
    public static WorkerFilter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Clause().Match(text);
        if (!match.Success)
            throw Invalid(text, "expected 'property op value', for example 'status == Idle'");
        var property = match.Groups["p"].Value.ToLowerInvariant();
        var op = Normalize(match.Groups["op"].Value);
        var value = match.Groups["v"].Value.Trim('"', '\'');
        var known = property is "name" or "version" or "status" or "created-at" || (property.StartsWith("env.", StringComparison.Ordinal) && property.Length > 4);
        if (!known) throw Invalid(text, $"unknown property '{property}' (name, version, status, created-at, env.KEY)");
        if (property == "env." + property[4..]) property = "env." + match.Groups["p"].Value[4..];
        if (property == "version" && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            throw Invalid(text, $"version must be a number, not '{value}'");
        if (property == "created-at" && !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            throw Invalid(text, $"created-at must be a date and time such as 2026-11-24T12:00:00Z, not '{value}'");
        if (property == "status" && op is "<" or "<=" or ">" or ">=")
            throw Invalid(text, $"status cannot be compared with '{op}'");
        if (property == "status" && !IsStatus(value))
            throw Invalid(text, $"unknown status '{value}' (Running, Idle, Suspended, Interrupted, Retrying, Failed, Exited)");
        return new WorkerFilter(property, op, value);
    }

    /// <summary>Whether the clause is on the worker's name, so it can be decided before anything else of the worker is read.</summary>
    public bool IsOnName => _property == "name";

    /// <summary>
    /// Whether only a worker that is not plainly idle can match — the clause asks for a status other
    /// than Idle (<c>status == Failed</c>, <c>status != Idle</c>) — so a listing need look only at the
    /// workers the store keeps a mark for, and those in memory.
    /// </summary>
    public bool ExcludesIdle => _property == "status" && (_op, _value.Equals("idle", StringComparison.OrdinalIgnoreCase)) is ("==", false) or ("!=", true);

    /// <summary>Whether a worker of this name matches a clause on the name (<see cref="IsOnName"/>).</summary>
    public bool MatchesName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Compare(string.CompareOrdinal(name, _value), name);
    }

    /// <summary>Whether the worker matches.</summary>
    public bool Matches(WorkerFilterSubject worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        switch (_property)
        {
            case "version":
                return Compare(worker.Version.CompareTo(long.Parse(_value, CultureInfo.InvariantCulture)), worker.Version.ToString(CultureInfo.InvariantCulture));
            case "created-at":
                var at = DateTimeOffset.Parse(_value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                return Compare(worker.CreatedAt.CompareTo(at), worker.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            case "status":
                return Compare(string.Compare(worker.Status, _value, StringComparison.OrdinalIgnoreCase), worker.Status);
            case "name":
                return Compare(string.CompareOrdinal(worker.Name, _value), worker.Name);
            default:
                var key = _property[4..];
                if (!worker.Env.TryGetValue(key, out var env)) return _op is "!=" or "notlike";
                return Compare(string.CompareOrdinal(env, _value), env);
        }
    }

    private bool Compare(int order, string text) => _op switch
    {
        "==" => order == 0,
        "!=" => order != 0,
        "like" => text.Contains(_value, _property == "status" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal),
        "notlike" => !text.Contains(_value, _property == "status" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal),
        ">=" => order >= 0,
        ">" => order > 0,
        "<=" => order <= 0,
        _ => order < 0,
    };

    private static string Normalize(string op) => op.ToLowerInvariant() switch
    {
        "eq" or "=" => "==",
        "ne" => "!=",
        "ge" => ">=",
        "gt" => ">",
        "le" => "<=",
        "lt" => "<",
        var other => other,
    };

    private static bool IsStatus(string value) =>
        value.ToLowerInvariant() is "running" or "idle" or "suspended" or "interrupted" or "retrying" or "failed" or "exited";

    private static ClayException Invalid(string text, string problem) =>
        new(ErrorCodes.InvalidWorkerFilter, $"invalid filter '{text}': {problem}");

    [GeneratedRegex(@"^\s*(?<p>[A-Za-z][A-Za-z0-9_.\-]*)\s*(?:(?<op>==|!=|>=|<=|>|<|=)|\s(?<op>eq|ne|like|notlike|ge|gt|le|lt)\s)\s*(?<v>\S.*?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Clause();
}
