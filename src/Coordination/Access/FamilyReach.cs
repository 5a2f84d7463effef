using System.Text.Json;
using Coordination.Families;
using Coordination.Hosting;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Coordination.Access;

/// <summary>
/// One family's <see cref="Relationships"/> alone, as a document of a few hundred bytes: the lists that must page over only
/// the families a caller relates to find them here (GIN on <c>relationships</c>), and PostgreSQL's recheck of each match
/// reads this small row, not the family's write model (8 KB at a county's size, stored out of line and compressed).
/// Folded by <see cref="Relationships.Record"/>, the one rule the write model and the picture fold by, from every fact of
/// the family's stream; <see cref="FamilyAccess"/> still judges every family a list shows.
/// </summary>
public sealed class FamilyReach
{
    public Guid Id { get; set; }
    public Relationships Relationships { get; set; } = new();
}

/// <summary>
/// Keeps <see cref="FamilyReach"/> in the transaction of the facts: each family of the batch, its reach as stored, the batch's
/// facts folded into it in order, stored again only when its relationships changed (a contribution by someone already
/// related changes nothing). Reads no clock: a rebuild reproduces it.
/// </summary>
public sealed class FamilyReachProjection : IProjection
{
    public const string Name = "FamilyReach";
    public const string Table = "mt_doc_familyreach"; // Marten's table for FamilyReach

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var facts = events.Where(e => e.Data is IFamilyEvent).ToList();
        if (facts.Count == 0)
        {
            return;
        }
        var ids = facts.Select(e => e.StreamId).Distinct().ToArray();
        var stored = (await operations.LoadManyAsync<FamilyReach>(cancellation, ids)).ToDictionary(r => r.Id);
        foreach (var family in facts.GroupBy(e => e.StreamId))
        {
            var reach = stored.GetValueOrDefault(family.Key);
            var before = reach is null ? null : JsonSerializer.Serialize(reach.Relationships, Json.Storage);
            reach ??= new FamilyReach { Id = family.Key };
            foreach (var e in family)
            {
                reach.Relationships.Record((IFamilyEvent)e.Data);
            }
            if (before != JsonSerializer.Serialize(reach.Relationships, Json.Storage))
            {
                operations.Store(reach);
            }
        }
    }

    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Add(new FamilyReachProjection(), JasperFx.Events.Projections.ProjectionLifecycle.Inline, Name, o =>
        {
            o.DeleteViewTypeOnTeardown<FamilyReach>();
            o.BatchSize = ProjectionPaging.RebuildBatchSize;
        });
        opts.Schema.For<FamilyReach>().GinIndexJsonDataMember(r => r.Relationships);
    }
}
