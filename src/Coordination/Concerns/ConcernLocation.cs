using JasperFx.Events;
using Marten;

namespace Coordination.Concerns;

/// <summary>
/// Where a concern is: its family, and who notified it. Written once when the concern is raised, so
/// <c>GET /api/concerns/{id}</c> finds a concern without knowing its family.
/// </summary>
public sealed class ConcernLocation
{
    public Guid Id { get; set; }
    public Guid FamilyId { get; set; }
    /// <summary>The professional (or, for a school message, the sending system) who notified it.</summary>
    public string NotifierId { get; set; } = "";
}

public sealed partial class ConcernLocationProjection : Marten.Events.Projections.EventProjection
{
    public ConcernLocationProjection()
    {
        Name = "ConcernLocations";
        Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;
    }

    public static ConcernLocation Create(IEvent<ConcernRaised> e) => new() { Id = e.Data.ConcernId, FamilyId = e.StreamId, NotifierId = e.Data.By.Id };
}

public static class ConcernsStorage
{
    public static void ConfigureConcerns(this StoreOptions opts) =>
        opts.Projections.Add<ConcernLocationProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
}
