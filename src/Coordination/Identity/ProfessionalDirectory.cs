using System.Collections.Concurrent;
using Marten;

namespace Coordination.Identity;

/// <summary>
/// A professional as the service last saw them sign in: what their token said of their agency and roles. The service has
/// no staff register of its own, so this is how a conclusion or an allocation tells a social worker from a family worker
/// when it names someone responsible (LsL 13 b §). One document per organisation and <c>sub</c>.
/// </summary>
public sealed class KnownProfessional
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public Agency Agency { get; set; }
    public List<Role> Roles { get; set; } = [];
    public DateTimeOffset LastSeenAt { get; set; }

    public Professional AsProfessional(string organisation) => new(Id, Name, organisation, Agency, Roles.ToHashSet());
}

/// <summary>
/// Keeps <see cref="KnownProfessional"/> current: called when a token has been validated, it writes only when this process
/// has not yet seen the professional with these claims, so a request costs nothing after the first.
/// </summary>
public sealed partial class ProfessionalDirectory(IDocumentStore store, TimeProvider clock, ILogger<ProfessionalDirectory> logger)
{
    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);

    public async Task SeenAsync(Professional who, CancellationToken ct)
    {
        var key = $"{who.Organisation}\n{who.Id}";
        var fingerprint = $"{who.Name}\n{who.Agency}\n{string.Join(",", who.Roles.Order())}";
        if (_seen.TryGetValue(key, out var known) && known == fingerprint)
        {
            return;
        }
        try
        {
            await using var session = store.LightweightSession(who.Organisation);
            session.Store(new KnownProfessional
            {
                Id = who.Id, Name = who.Name, Agency = who.Agency, Roles = [.. who.Roles.Order()], LastSeenAt = clock.GetUtcNow(),
            });
            await session.SaveChangesAsync(ct);
            _seen[key] = fingerprint;
        }
#pragma warning disable CA1031 // signing in must not fail because the directory could not be written; it is tried again next time
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogNotRecorded(logger, e.GetType().Name);
        }
    }

    /// <summary>The professional with this id in the session's organisation, as last seen; null if never seen.</summary>
    public static async Task<Professional?> FindAsync(IQuerySession session, string id, CancellationToken ct) =>
        (await session.LoadAsync<KnownProfessional>(id, ct))?.AsProfessional(session.TenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A signed-in professional could not be recorded in the directory ({Failure}); tried again next time")]
    private static partial void LogNotRecorded(ILogger logger, string failure);
}
