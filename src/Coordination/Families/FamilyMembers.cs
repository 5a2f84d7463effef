using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace Coordination.Families;

/// <summary>
/// The identity codes of one family's members, for search-before-create and access reports. A document of its own
/// so that its GIN index stays small: indexing the whole picture made every write re-index every case note.
/// </summary>
public sealed class FamilyMembers
{
    public Guid Id { get; set; }
    public List<string> PersonIds { get; set; } = [];
}

public sealed partial class FamilyMembersProjection : SingleStreamProjection<FamilyMembers, Guid>
{
    public FamilyMembersProjection() => Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;

    public static FamilyMembers Create(IEvent<FamilyRegistered> e) => new()
    {
        Id = e.Data.FamilyId,
        PersonIds = e.Data.Children.Concat(e.Data.Guardians).Select(m => m.PersonId).OfType<string>().ToList(),
    };

    public static void Apply(ChildAddedToFamily e, FamilyMembers members) => Add(members, e.Child.PersonId);

    public static void Apply(ChildBorn e, FamilyMembers members) => Add(members, e.PersonId);

    private static void Add(FamilyMembers members, string? code)
    {
        if (code is not null && !members.PersonIds.Contains(code))
        {
            members.PersonIds.Add(code);
        }
    }
}

public static class FamilyMembersStorage
{
    public static void ConfigureFamilyMembers(this StoreOptions opts)
    {
        opts.Projections.Add<FamilyMembersProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        opts.Schema.For<FamilyMembers>().GinIndexJsonData();
    }

    /// <summary>The families of the session's organisation that hold this person (compared exactly: the century sign counts).</summary>
    public static async Task<List<Guid>> FamiliesHoldingAsync(this IQuerySession session, string personId, CancellationToken ct) =>
        [.. await session.Query<FamilyMembers>().Where(m => m.PersonIds.Contains(personId)).Select(m => m.Id).ToListAsync(ct)];
}
