using Coordination.Identity;
using Marten;
using Npgsql;

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

    /// <summary>Writes the entries in one statement; throws if they could not be written.</summary>
    public async Task RecordAsync(string organisation, IReadOnlyList<AccessLogEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var rows = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            rows.Add("(" + string.Join(", ", Columns.Select(c => $"@{c}{i}")) + ")");
            Add(command, $"kind{i}", Kebab.Name(e.Kind));
            Add(command, $"organisation{i}", organisation);
            Add(command, $"family_id{i}", e.FamilyId);
            Add(command, $"data{i}", e.Data);
            Add(command, $"owner_agency{i}", e.OwnerAgency);
            Add(command, $"professional_id{i}", e.ProfessionalId);
            Add(command, $"professional_name{i}", e.ProfessionalName);
            Add(command, $"agency{i}", e.Agency);
            Add(command, $"purpose{i}", e.Purpose);
            Add(command, $"basis{i}", e.Basis);
            Add(command, $"justification{i}", e.Justification);
            Add(command, $"subjects{i}", e.Subjects?.ToArray());
        }
#pragma warning disable CA2100 // only our own column and parameter names are concatenated; every value is a parameter
        command.CommandText = $"insert into {QualifiedTable} ({string.Join(", ", Columns)}) values {string.Join(", ", rows)}";
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(ct);
    }

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

    private static void Add(NpgsqlCommand command, string name, object? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
}
