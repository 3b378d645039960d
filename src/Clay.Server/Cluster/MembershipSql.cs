namespace Clay.Server.Cluster;

/// <summary>
/// The tables, functions and stored queries that Orleans' ADO.NET clustering expects, written for
/// PostgreSQL and kept in Clay's own schema. Orleans reads its statements from the
/// <c>orleansquery</c> table by key, with <c>@Name</c> parameters; every script here can run again
/// without harm, so a node applies it at each start.
/// </summary>
/// <remarks>
/// A membership change must move the table's version and the member's row together or not at all
/// (Orleans' optimistic concurrency rests on it): the two functions do both in a block whose
/// exception handler rolls back whatever the block did.
/// </remarks>
internal static class MembershipSql
{
    /// <summary>Creates what is missing and brings the functions and queries up to date; <c>{s}</c> is the quoted schema.</summary>
    public const string Script = """
        CREATE TABLE IF NOT EXISTS {s}.orleansquery (
            querykey varchar(64) PRIMARY KEY,
            querytext text NOT NULL);
        CREATE TABLE IF NOT EXISTS {s}.orleansmembershipversiontable (
            deploymentid varchar(150) PRIMARY KEY,
            timestamp timestamptz NOT NULL DEFAULT now(),
            version integer NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS {s}.orleansmembershiptable (
            deploymentid varchar(150) NOT NULL REFERENCES {s}.orleansmembershipversiontable (deploymentid),
            address varchar(45) NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            siloname varchar(150) NOT NULL,
            hostname varchar(150) NOT NULL,
            status integer NOT NULL,
            proxyport integer NULL,
            suspecttimes varchar(8000) NULL,
            starttime timestamptz NOT NULL,
            iamalivetime timestamptz NOT NULL,
            PRIMARY KEY (deploymentid, address, port, generation));

        CREATE OR REPLACE FUNCTION {s}.orleans_insert_member(
            p_deployment text, p_address text, p_port integer, p_generation integer, p_silo_name text, p_host_name text,
            p_status integer, p_proxy_port integer, p_start_time timestamptz, p_alive timestamptz, p_version integer)
        RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {s}.orleansmembershipversiontable SET version = version + 1, timestamp = now()
            WHERE deploymentid = p_deployment AND version = p_version;
            IF NOT FOUND THEN RETURN 0; END IF;
            INSERT INTO {s}.orleansmembershiptable
                (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
            VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_alive)
            ON CONFLICT DO NOTHING;
            IF NOT FOUND THEN RAISE EXCEPTION 'the member exists' USING ERRCODE = 'unique_violation'; END IF;
            RETURN 1;
        EXCEPTION WHEN unique_violation THEN
            RETURN 0;
        END $$;

        CREATE OR REPLACE FUNCTION {s}.orleans_update_member(
            p_deployment text, p_address text, p_port integer, p_generation integer, p_status integer, p_suspect_times text,
            p_alive timestamptz, p_version integer)
        RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {s}.orleansmembershipversiontable SET version = version + 1, timestamp = now()
            WHERE deploymentid = p_deployment AND version = p_version;
            IF NOT FOUND THEN RETURN 0; END IF;
            UPDATE {s}.orleansmembershiptable
            SET status = p_status, suspecttimes = p_suspect_times, iamalivetime = GREATEST(iamalivetime, p_alive)
            WHERE deploymentid = p_deployment AND address = p_address AND port = p_port AND generation = p_generation;
            IF NOT FOUND THEN RAISE EXCEPTION 'no such member' USING ERRCODE = 'no_data_found'; END IF;
            RETURN 1;
        EXCEPTION WHEN no_data_found THEN
            RETURN 0;
        END $$;

        INSERT INTO {s}.orleansquery (querykey, querytext) VALUES
        ('InsertMembershipVersionKey',
         'WITH inserted AS (INSERT INTO {s}.orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId) ON CONFLICT DO NOTHING RETURNING 1)
          SELECT count(*)::integer FROM inserted'),
        ('InsertMembershipKey',
         'SELECT {s}.orleans_insert_member(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
                  @StartTime, @IAmAliveTime, @Version)'),
        ('UpdateMembershipKey',
         'SELECT {s}.orleans_update_member(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version)'),
        ('UpdateIAmAlivetimeKey',
         'UPDATE {s}.orleansmembershiptable SET iamalivetime = GREATEST(iamalivetime, @IAmAliveTime)
          WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation'),
        ('MembershipReadRowKey',
         'SELECT v.deploymentid AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                 m.siloname AS "SiloName", m.hostname AS "HostName", m.status AS "Status", m.proxyport AS "ProxyPort",
                 m.suspecttimes AS "SuspectTimes", m.starttime AS "StartTime", m.iamalivetime AS "IAmAliveTime", v.version AS "Version"
          FROM {s}.orleansmembershipversiontable v
          LEFT JOIN {s}.orleansmembershiptable m ON m.deploymentid = v.deploymentid
               AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
          WHERE v.deploymentid = @DeploymentId'),
        ('MembershipReadAllKey',
         'SELECT v.deploymentid AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                 m.siloname AS "SiloName", m.hostname AS "HostName", m.status AS "Status", m.proxyport AS "ProxyPort",
                 m.suspecttimes AS "SuspectTimes", m.starttime AS "StartTime", m.iamalivetime AS "IAmAliveTime", v.version AS "Version"
          FROM {s}.orleansmembershipversiontable v
          LEFT JOIN {s}.orleansmembershiptable m ON m.deploymentid = v.deploymentid
          WHERE v.deploymentid = @DeploymentId'),
        ('DeleteMembershipTableEntriesKey',
         'DELETE FROM {s}.orleansmembershiptable WHERE deploymentid = @DeploymentId;
          DELETE FROM {s}.orleansmembershipversiontable WHERE deploymentid = @DeploymentId'),
        ('GatewaysQueryKey',
         'SELECT address AS "Address", proxyport AS "ProxyPort", generation AS "Generation" FROM {s}.orleansmembershiptable
          WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0'),
        ('CleanupDefunctSiloEntriesKey',
         'DELETE FROM {s}.orleansmembershiptable
          WHERE deploymentid = @DeploymentId AND status = 6 AND iamalivetime < @IAmAliveTime AND starttime < @IAmAliveTime
            AND COALESCE(suspecttimes, '''') = '''''),
        ('CleanupDefunctSiloEntryKey',
         'DELETE FROM {s}.orleansmembershiptable
          WHERE deploymentid = @DeploymentId AND status = 6 AND address = @Address AND port = @Port AND generation = @Generation
            AND iamalivetime = @IAmAliveTime AND starttime = @StartTime AND COALESCE(suspecttimes, '''') = COALESCE(@SuspectTimes, '''')')
        ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
        """;
}
