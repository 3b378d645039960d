namespace Clay.Storage.Postgres;

/// <summary>The store's statements, with its schema's name in place.</summary>
/// <remarks>
/// Arrays go in as parameters (<c>unnest</c>) so one statement carries a whole group commit's rows
/// whatever their number, and the statement text stays the same for Npgsql to prepare once.
/// </remarks>
internal sealed class StoreSql(string schema)
{
    private readonly string _s = StoreSchema.Quote(schema);

    /// <summary>
    /// Creates the rows of the batch's workers that have none, in key order like the locks, and returns
    /// the ids it created. Every worker of the batch goes through it, not only new ones: a row that an
    /// earlier, uncommitted batch is creating or deleting is invisible to the locking read, but an
    /// insert of the same key waits for that batch to end — so a later batch always sees an earlier one.
    /// </summary>
    public string CreateWorkers => $"""
        INSERT INTO {_s}.workers (component, name)
        SELECT t.component, t.name FROM unnest($1::text[], $2::text[]) AS t(component, name)
        ORDER BY t.component COLLATE "C", t.name COLLATE "C"
        ON CONFLICT (component, name) DO NOTHING
        RETURNING id
        """;

    /// <summary>
    /// Locks the batch's workers in key order and reads their fences. Every writer locks in the same
    /// order, so two nodes' group commits wait for each other instead of deadlocking.
    /// </summary>
    public string LockWorkers => $"""
        SELECT w.id, w.component, w.name, w.last_index
        FROM unnest($1::text[], $2::text[]) AS t(component, name)
        JOIN {_s}.workers w ON w.component = t.component AND w.name = t.name
        ORDER BY w.component, w.name
        FOR UPDATE OF w
        """;

    /// <summary>The transaction's id, asked for when a commit's acknowledgement is lost.</summary>
    public const string TransactionId = "SELECT pg_current_xact_id()::text";

    /// <summary>Whether a transaction committed: 'committed', 'aborted' or 'in progress'.</summary>
    public const string TransactionStatus = "SELECT pg_xact_status($1::text::xid8)";

    /// <summary>Drops entries from an index on, per worker.</summary>
    public string CutEntries => $"""
        DELETE FROM {_s}.oplog_entries e
        USING unnest($1::bigint[], $2::bigint[]) AS c(worker_id, from_idx)
        WHERE e.worker_id = c.worker_id AND e.idx >= c.from_idx
        """;

    /// <summary>Inserts a batch's entries.</summary>
    public string InsertEntries => $"""
        INSERT INTO {_s}.oplog_entries (worker_id, idx, crc, payload)
        SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::bytea[])
        """;

    /// <summary>Moves the fences.</summary>
    public string SetLastIndexes => $"""
        UPDATE {_s}.workers w SET last_index = u.last_index
        FROM unnest($1::bigint[], $2::bigint[]) AS u(id, last_index)
        WHERE w.id = u.id
        """;

    /// <summary>Removes deleted workers' rows (their entries are cut first).</summary>
    public string DeleteWorkers => $"""
        WITH gone AS (DELETE FROM {_s}.workers WHERE id = ANY($1::bigint[]) RETURNING id)
        DELETE FROM {_s}.promises WHERE worker_id IN (SELECT id FROM gone)
        """;

    /// <summary>Sets workers' marks (wake-ups in microseconds since the Unix epoch; null: none).</summary>
    public string SetMarks => $"""
        UPDATE {_s}.workers w SET status = m.status, pending = m.pending = 1,
            wake_at = timestamptz 'epoch' + m.wake_us * interval '1 microsecond',
            last_error = m.last_error, version = m.version
        FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::bigint[], $5::text[], $6::bigint[])
            AS m(id, status, pending, wake_us, last_error, version)
        WHERE w.id = m.id
        """;

    /// <summary>Moves workers' wake-up times earlier (or sets them).</summary>
    public string Wake => $"""
        UPDATE {_s}.workers w SET wake_at = LEAST(COALESCE(w.wake_at, u.at), u.at)
        FROM (SELECT id, timestamptz 'epoch' + us * interval '1 microsecond' AS at
              FROM unnest($1::bigint[], $2::bigint[]) AS t(id, us)) u
        WHERE w.id = u.id
        """;

    /// <summary>Stores promise completions (decided under the workers' locks to be the first).</summary>
    public string InsertPromises => $"""
        INSERT INTO {_s}.promises (worker_id, promise, value)
        SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])
        """;

    /// <summary>Which of the given promises are completed already.</summary>
    public string CompletedPromises => $"""
        SELECT w.component, w.name, p.promise
        FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(component, name, promise)
        JOIN {_s}.workers w ON w.component = t.component AND w.name = t.name
        JOIN {_s}.promises p ON p.worker_id = w.id AND p.promise = t.promise
        """;

    /// <summary>A worker's mark.</summary>
    public string Mark => $"SELECT status, pending, wake_at, last_error, version FROM {_s}.workers WHERE component = $1 AND name = $2 AND last_index > 0";

    /// <summary>The workers that need attention: pending work or a wake-up time.</summary>
    public string Marked => $"""
        SELECT component, name, status, pending, wake_at, last_error, version FROM {_s}.workers
        WHERE (pending OR wake_at IS NOT NULL) AND last_index > 0
        """;

    /// <summary>A page of one component's workers that have a mark (anything but plain idle), in name order, served by <c>workers_marked</c>.</summary>
    public string MarkedOfComponent => $"""
        SELECT name, status, pending, wake_at, last_error, version FROM {_s}.workers
        WHERE component = $1 AND name > $2 AND last_index > 0
          AND (status <> 1 OR pending OR wake_at IS NOT NULL OR last_error IS NOT NULL)
        ORDER BY name
        LIMIT $3
        """;

    /// <summary>A promise's completion.</summary>
    public string Promise => $"""
        SELECT p.value FROM {_s}.promises p JOIN {_s}.workers w ON w.id = p.worker_id
        WHERE w.component = $1 AND w.name = $2 AND p.promise = $3
        """;

    /// <summary>A worker's fence.</summary>
    public string LastIndex => $"SELECT last_index FROM {_s}.workers WHERE component = $1 AND name = $2";

    /// <summary>
    /// A worker's entries in a range, with its last index read in the same statement (one snapshot),
    /// so a missing entry can be told from the end of the oplog.
    /// </summary>
    public string ReadEntries => $"""
        SELECT w.last_index, e.idx, e.crc, e.payload
        FROM {_s}.workers w
        LEFT JOIN LATERAL (
            SELECT idx, crc, payload FROM {_s}.oplog_entries
            WHERE worker_id = w.id AND idx BETWEEN $3 AND LEAST($4, w.last_index)
            ORDER BY idx) e ON true
        WHERE w.component = $1 AND w.name = $2
        """;

    /// <summary>One page of workers with an oplog after (<c>$2</c>, <c>$3</c>), all components or one.</summary>
    public string ListWorkers => $"""
        SELECT component, name FROM {_s}.workers
        WHERE last_index > 0 AND ($1::text IS NULL OR component = $1) AND (component, name) > ($2, $3)
        ORDER BY component, name
        LIMIT $4
        """;
}
