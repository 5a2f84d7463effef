using Marten;

namespace Coordination.Audit;

/// <summary>
/// Creates the access-log table at start-up, idempotently, and makes it append-only: triggers refuse UPDATE, DELETE
/// and TRUNCATE for every user, and those privileges are revoked from the service's own user and from PUBLIC.
/// (A superuser, such as the embedded default's, bypasses privileges but not the triggers.)
/// </summary>
public sealed class AccessLogSchema(IDocumentStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.DatabaseSchemaName;
        var table = $"{schema}.{AccessLog.Table}";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the schema name comes from our configuration, not from a request
        command.CommandText = $"""
            select pg_advisory_lock(hashtext('{table}'));
            create schema if not exists {schema};
            create table if not exists {table} (
                id bigint generated always as identity primary key,
                kind text not null check (kind in ('use', 'disclosure')),
                recorded_at timestamptz not null default now(),
                organisation text not null,
                family_id uuid,
                data text not null,
                owner_agency text,
                professional_id text not null,
                professional_name text not null,
                agency text not null,
                purpose text not null,
                basis text,
                justification text
            );
            -- Which children a disclosed datum was about, so a child's access report (ATL 11 §) lists what concerned them.
            alter table {table} add column if not exists subjects uuid[];
            create index if not exists access_log_by_family on {table} (organisation, family_id, recorded_at);
            create index if not exists access_log_by_professional on {table} (organisation, professional_id, recorded_at);
            create index if not exists access_log_by_data on {table} (organisation, data);
            create or replace function {schema}.access_log_is_append_only() returns trigger language plpgsql as $$
            begin
                raise exception 'the access log is append-only (ATL 10 §)' using errcode = 'insufficient_privilege';
            end $$;
            create or replace trigger access_log_no_change before update or delete on {table}
                for each row execute function {schema}.access_log_is_append_only();
            create or replace trigger access_log_no_truncate before truncate on {table}
                for each statement execute function {schema}.access_log_is_append_only();
            revoke update, delete, truncate on {table} from public;
            revoke update, delete, truncate on {table} from current_user;
            select pg_advisory_unlock(hashtext('{table}'));
            """;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
