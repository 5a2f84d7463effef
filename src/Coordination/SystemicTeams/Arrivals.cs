using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Identity;
using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten;
using Npgsql;

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

    /// <remarks>
    /// Read as the few fields an arrival names (id, agency, recording time), the latest <see cref="PerFamily"/> of each family
    /// cut in SQL: deserialising the facts whole read every contribution's case note (1-4 KB) of the team's families since
    /// the last meeting, only to name it. The facts have one shape each (none is upcast), so their
    /// stored fields are what they say.
    /// </remarks>
    public static async Task<IReadOnlyDictionary<Guid, List<Arrival>>> SinceAsync(IQuerySession session, IReadOnlyCollection<Guid> familyIds,
        DateTimeOffset? since, CancellationToken ct)
    {
        if (familyIds.Count == 0)
        {
            return new Dictionary<Guid, List<Arrival>>();
        }
        var events = (Marten.Events.EventGraph)((StoreOptions)session.DocumentStore.Options).Events;
        var contribution = events.EventMappingFor(typeof(ContributionRecorded)).EventTypeName;
        var concern = events.EventMappingFor(typeof(ConcernRaised)).EventTypeName;
        var hearing = events.EventMappingFor(typeof(ChildHearingRecorded)).EventTypeName;
#pragma warning disable CA2100 // our own schema name; every value is a parameter
        await using var command = new NpgsqlCommand($"""
            select stream_id, type, subject, agency, timestamp from (
              select e.stream_id, e.type, e.seq_id, e.timestamp,
                     (case e.type when @contribution then e.data ->> 'contributionId' when @concern then e.data ->> 'concernId'
                                  else e.data ->> 'hearingId' end)::uuid as subject,
                     case e.type when @contribution then e.data ->> 'agency' else e.data -> 'by' ->> 'agency' end as agency,
                     row_number() over (partition by e.stream_id order by e.seq_id desc) as latest
              from {events.DatabaseSchemaName}.mt_events e
              where e.tenant_id = @tenant and e.stream_id = any(@ids) and e.timestamp > @after and e.type = any(@types)) a
            where latest <= @perFamily
            order by seq_id
            """);
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter("tenant", session.TenantId));
        command.Parameters.Add(new NpgsqlParameter("ids", familyIds.ToArray()));
        command.Parameters.Add(new NpgsqlParameter("after", (since ?? DateTimeOffset.MinValue).ToUniversalTime())); // timestamptz only in UTC
        command.Parameters.Add(new NpgsqlParameter("contribution", contribution));
        command.Parameters.Add(new NpgsqlParameter("concern", concern));
        command.Parameters.Add(new NpgsqlParameter("types", new[] { concern, contribution, hearing }));
        command.Parameters.Add(new NpgsqlParameter("perFamily", PerFamily));
        var arrivals = new Dictionary<Guid, List<Arrival>>();
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            var type = reader.GetString(1);
            var kind = type == contribution ? ArrivalKind.Contribution : type == concern ? ArrivalKind.Concern : ArrivalKind.Hearing;
            var family = reader.GetGuid(0);
            var arrival = new Arrival(family, kind, Kebab.Parse<Agency>(reader.GetString(3)), reader.GetGuid(2), reader.GetFieldValue<DateTimeOffset>(4));
            (arrivals.TryGetValue(family, out var list) ? list : arrivals[family] = []).Add(arrival);
        }
        return arrivals;
    }
}
