using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Identity;
using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten;

namespace Coordination.SystemicTeams;

/// <summary>Something that came into a family's record that the team has to look at: kind, whose, when recorded.</summary>
public sealed record Arrival(Guid FamilyId, ArrivalKind Kind, Agency Agency, Guid SubjectId, DateTimeOffset RecordedAt);

public enum ArrivalKind
{
    Concern,
    Contribution,
    Hearing,
}

/// <summary>
/// What arrived in the team's families since a moment, read from the event log itself: the facts are the record, so
/// the agenda needs no copy of them, and the frequent writes (contributions, hearings) pay nothing for it.
/// </summary>
public static class Arrivals
{
    /// <summary>An agenda names at most this many new items of one family, the latest.</summary>
    public const int PerFamily = 50;

    public static async Task<IReadOnlyDictionary<Guid, List<Arrival>>> SinceAsync(IQuerySession session, IReadOnlyCollection<Guid> familyIds,
        DateTimeOffset? since, CancellationToken ct)
    {
        if (familyIds.Count == 0)
        {
            return new Dictionary<Guid, List<Arrival>>();
        }
        var ids = familyIds.ToArray();
        var after = (since ?? DateTimeOffset.MinValue).ToUniversalTime(); // Npgsql takes a timestamptz only in UTC
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId.IsOneOf(ids) && e.Timestamp > after && e.EventTypeName.IsOneOf(TypeNames(session)))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        return events.Select(Of).OfType<Arrival>().GroupBy(a => a.FamilyId)
            .ToDictionary(g => g.Key, g => g.TakeLast(PerFamily).ToList());
    }

    private static string[] TypeNames(IQuerySession session)
    {
        var events = (Marten.Events.EventGraph)((StoreOptions)session.DocumentStore.Options).Events;
        return [.. new[] { typeof(ConcernRaised), typeof(ContributionRecorded), typeof(ChildHearingRecorded) }
            .Select(t => events.EventMappingFor(t).EventTypeName)];
    }

    public static Arrival? Of(IEvent e) => e.Data switch
    {
        ConcernRaised c => new Arrival(e.StreamId, ArrivalKind.Concern, c.By.Agency, c.ConcernId, e.Recorded()),
        ContributionRecorded c => new Arrival(e.StreamId, ArrivalKind.Contribution, c.Agency, c.ContributionId, e.Recorded()),
        ChildHearingRecorded h => new Arrival(e.StreamId, ArrivalKind.Hearing, h.By.Agency, h.HearingId, e.Recorded()),
        _ => null,
    };
}
