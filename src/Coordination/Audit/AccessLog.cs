using Coordination.Identity;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Audit;

public enum AccessKind
{
    Use,
    Disclosure,
}

/// <summary>
/// One line of the use log (ATL 10 §: which data, owner, who, purpose, when) or the disclosure log (what, from which
/// agency, to whom, purpose, the provision or consent relied on). The time is the database's.
/// </summary>
public sealed record AccessLogEntry(
    AccessKind Kind,
    Guid? FamilyId,
    string Data,
    string? OwnerAgency,
    string ProfessionalId,
    string ProfessionalName,
    string Agency,
    string Purpose,
    string? Basis = null,
    string? Justification = null,
    IReadOnlyCollection<Guid>? Subjects = null)
{
    public static AccessLogEntry Use(Professional who, Guid? familyId, string data, string purpose) =>
        new(AccessKind.Use, familyId, data, null, who.Id, who.Name, Kebab.Name(who.Agency), purpose);

    /// <param name="subjects">Which children the data was about (for access reports, ATL 11 §); none for the whole family.</param>
    public static AccessLogEntry Disclosed(Professional to, Guid? familyId, string data, Agency owner, string basis, string purpose,
        string? justification = null, IReadOnlyCollection<Guid>? subjects = null) =>
        new(AccessKind.Disclosure, familyId, data, Kebab.Name(owner), to.Id, to.Name, Kebab.Name(to.Agency), purpose, basis, justification,
            subjects is { Count: > 0 } ? subjects : null);
}

/// <summary>
/// Writes the use and disclosure logs. Append-only in the database itself: triggers refuse update, delete and truncate,
/// and the privileges are revoked from the service's own user. A read must write its entries before it returns data.
/// </summary>
public sealed partial class AccessLog(IDocumentStore store, ILogger<AccessLog> logger)
{
    public const string Table = "access_log";
    private static readonly string[] Columns =
        ["kind", "organisation", "family_id", "data", "owner_agency", "professional_id", "professional_name", "agency", "purpose", "basis", "justification", "subjects"];

    public string QualifiedTable => $"{store.Options.DatabaseSchemaName}.{Table}";

    /// <summary>
    /// Writes the entries in one statement; throws if they could not be written. One text for any number of entries (each
    /// column an array, unnested in order), so PostgreSQL parses and plans it once per connection (Npgsql's automatic
    /// preparation): a picture's read writes tens of disclosures, and a statement with a row of parameters per entry was
    /// a new text, never prepared, for every count.
    /// </summary>
    public async Task RecordAsync(string organisation, IReadOnlyList<AccessLogEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = _insert ??= $"""
            insert into {QualifiedTable} ({string.Join(", ", Columns)})
            select kind, @organisation, family_id, data, owner_agency, professional_id, professional_name, agency, purpose, basis, justification,
                   case when subjects is null then null else string_to_array(subjects, ',')::uuid[] end
            from unnest(@kind, @family_id, @data, @owner_agency, @professional_id, @professional_name, @agency, @purpose, @basis, @justification, @subjects)
                 as e(kind, family_id, data, owner_agency, professional_id, professional_name, agency, purpose, basis, justification, subjects)
            """;
        command.Parameters.Add(new NpgsqlParameter("organisation", organisation));
        Column(command, "kind", entries, e => Kebab.Name(e.Kind));
        command.Parameters.Add(new NpgsqlParameter<Guid?[]>("family_id", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
        {
            TypedValue = [.. entries.Select(e => e.FamilyId)],
        });
        Column(command, "data", entries, e => e.Data);
        Column(command, "owner_agency", entries, e => e.OwnerAgency);
        Column(command, "professional_id", entries, e => e.ProfessionalId);
        Column(command, "professional_name", entries, e => e.ProfessionalName);
        Column(command, "agency", entries, e => e.Agency);
        Column(command, "purpose", entries, e => e.Purpose);
        Column(command, "basis", entries, e => e.Basis);
        Column(command, "justification", entries, e => e.Justification);
        Column(command, "subjects", entries, e => e.Subjects is { } subjects ? string.Join(",", subjects) : null);
        await command.ExecuteNonQueryAsync(ct);
    }

    private string? _insert;

    private static void Column(NpgsqlCommand command, string name, IReadOnlyList<AccessLogEntry> entries, Func<AccessLogEntry, string?> value) =>
        command.Parameters.Add(new NpgsqlParameter<string?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. entries.Select(value)] });

    /// <summary>
    /// Queues an entry in a session's unit of work, for facts whose log entry must commit with them or not at all
    /// (a school message processed in the background).
    /// </summary>
    public static void Queue(IDocumentSession session, string organisation, AccessLogEntry e) =>
        session.QueueSqlCommand(
            $"insert into {session.DocumentStore.Options.DatabaseSchemaName}.{Table} ({string.Join(", ", Columns)}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            Kebab.Name(e.Kind), organisation, e.FamilyId ?? (object)DBNull.Value, e.Data, e.OwnerAgency ?? (object)DBNull.Value,
            e.ProfessionalId, e.ProfessionalName, e.Agency, e.Purpose, e.Basis ?? (object)DBNull.Value, e.Justification ?? (object)DBNull.Value,
            e.Subjects?.ToArray() ?? (object)DBNull.Value);

    /// <summary>
    /// Writes the entries, or answers the 503 that replaces the read: no unlogged access. The failure is logged without
    /// the entries' content.
    /// </summary>
    public async Task<IResult?> TryRecordAsync(string organisation, IReadOnlyList<AccessLogEntry> entries, CancellationToken ct)
    {
        try
        {
            await RecordAsync(organisation, entries, ct);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            LogFailed(logger, e.GetType().Name);
            return Hosting.Problems.Result(Hosting.Problems.Unavailable(
                "The access could not be logged, so nothing is shown (ATL 10 §). Try again shortly."));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An access-log write failed ({Failure}); the read was refused")]
    private static partial void LogFailed(ILogger logger, string failure);

}
