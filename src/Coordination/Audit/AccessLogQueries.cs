using Coordination.Identity;
using Marten;
using Npgsql;

namespace Coordination.Audit;

public sealed record AccessLogRow(long Id, string Kind, DateTimeOffset RecordedAt, Guid? FamilyId, string Data, string? OwnerAgency,
    string ProfessionalId, string ProfessionalName, string Agency, string Purpose, string? Basis, string? Justification,
    IReadOnlyList<Guid>? Subjects);

/// <param name="AboutMembers">Of the families' rows, only those about the whole family or naming one of these members among their subjects (ATL 11 §).</param>
/// <param name="OrData">Rows about these data as well, of any family or none (a notification before it was placed).</param>
/// <param name="UpTo">Rows up to this id only: where a paged report's first page saw the log end.</param>
public sealed record AccessLogFilter(Guid[]? FamilyIds, string? ProfessionalId, DateTimeOffset? From, DateTimeOffset? To, long? AfterId, int Limit,
    Guid[]? AboutMembers = null, string[]? OrData = null, long? UpTo = null);

/// <summary>Reads the access log of one organisation. Only audit routes call this.</summary>
public static class AccessLogQueries
{
    public static async Task<List<AccessLogRow>> ReadAsync(IDocumentStore store, string organisation, AccessLogFilter filter, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "organisation = @organisation" };
        command.Parameters.Add(new NpgsqlParameter("organisation", organisation));
        if (filter.FamilyIds is { } families)
        {
            var ofFamilies = "family_id = any(@families)";
            command.Parameters.Add(new NpgsqlParameter("families", families));
            if (filter.AboutMembers is { } members)
            {
                ofFamilies += " and (subjects is null or subjects && @members)";
                command.Parameters.Add(new NpgsqlParameter("members", members));
            }
            if (filter.OrData is { Length: > 0 } data)
            {
                ofFamilies = $"({ofFamilies}) or data = any(@data)";
                command.Parameters.Add(new NpgsqlParameter("data", data));
            }
            where.Add($"({ofFamilies})");
        }
        if (filter.ProfessionalId is { } professional)
        {
            where.Add("professional_id = @professional");
            command.Parameters.Add(new NpgsqlParameter("professional", professional));
        }
        if (filter.From is { } from)
        {
            where.Add("recorded_at >= @from");
            command.Parameters.Add(new NpgsqlParameter("from", from.ToUniversalTime()));
        }
        if (filter.To is { } to)
        {
            where.Add("recorded_at < @to");
            command.Parameters.Add(new NpgsqlParameter("to", to.ToUniversalTime()));
        }
        if (filter.UpTo is { } upTo)
        {
            where.Add("id <= @upTo");
            command.Parameters.Add(new NpgsqlParameter("upTo", upTo));
        }
        if (filter.AfterId is { } after)
        {
            where.Add("id > @after");
            command.Parameters.Add(new NpgsqlParameter("after", after));
        }
        command.Parameters.Add(new NpgsqlParameter("limit", filter.Limit));
#pragma warning disable CA2100 // only our own fixed conditions are concatenated; every value is a parameter
        command.CommandText = $"""
            select id, kind, recorded_at, family_id, data, owner_agency, professional_id, professional_name, agency, purpose, basis, justification, subjects
            from {store.Options.DatabaseSchemaName}.{AccessLog.Table}
            where {string.Join(" and ", where)}
            order by id
            limit @limit
            """;
#pragma warning restore CA2100
        var rows = new List<AccessLogRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AccessLogRow(
                reader.GetInt64(0), reader.GetString(1), new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<Guid[]>(12)));
        }
        return rows;
    }

    /// <summary>The id of the organisation's newest log row (0 when it has none): where a paged report stops.</summary>
    public static async Task<long> LastIdAsync(IDocumentStore store, string organisation, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the table name is ours; the value is a parameter
        command.CommandText = $"select coalesce(max(id), 0) from {store.Options.DatabaseSchemaName}.{AccessLog.Table} where organisation = @organisation";
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter("organisation", organisation));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public static bool IsAuditor(Professional caller) => caller.Agency == Agency.Audit && caller.Has(Role.Auditor);
}
