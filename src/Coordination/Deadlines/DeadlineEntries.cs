using Coordination.Access;
using Coordination.Concerns;
using Coordination.Families;
using Coordination.Hosting;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Coordination.Deadlines;

/// <summary>
/// One statutory deadline of one family, kept for the deadline list: an organisation's deadlines in due-date order are an
/// ordered range of an index, never a sort of every family's. Its id orders as the list does: the family (32 hex digits,
/// which order as the uuid does) then the deadline's key, compared byte by byte.
/// </summary>
public sealed class DeadlineEntry
{
    public string Id { get; set; } = "";
    public Guid FamilyId { get; set; }
    public DateOnly DueDate { get; set; }
    public DateOnly? MetOn { get; set; }
    public bool MissedRecorded { get; set; }
    public string? ResponsibleId { get; set; }
    public Deadline Deadline { get; set; } = new();

    public static string IdOf(Guid familyId, string key) => $"{familyId:N}/{key}";

    public static DeadlineEntry Of(Guid familyId, Deadline d) => new()
    {
        Id = IdOf(familyId, d.Key), FamilyId = familyId, DueDate = d.DueDate, MetOn = d.MetOn, MissedRecorded = d.MissedRecorded,
        ResponsibleId = d.ResponsibleId, Deadline = d.Copy(),
    };
}

/// <summary>
/// What <see cref="DeadlineLedger"/> needs of a family besides its deadlines, folded as the write model folds it (the
/// relationships by <see cref="Relationships.Record"/>, then the ledger): the state behind the family's entries. Only the facts
/// that can change deadlines reach it (<see cref="DeadlineLedger.CanChangeDeadlines"/>), so of its relationships only the
/// responsible social worker, which only such facts name, is complete.
/// </summary>
public sealed class DeadlineBook
{
    public Guid Id { get; set; }
    public Dictionary<string, Deadline> Deadlines { get; set; } = [];
    public Dictionary<Guid, DateTimeOffset> ReceivedAt { get; set; } = [];
    public Relationships Relationships { get; set; } = new();

    /// <summary>One fact, in the write model's order (<see cref="Family"/>): the concern's receipt, relationships, then the ledger.</summary>
    public void Record(IFamilyEvent fact)
    {
        if (fact is ConcernRaised raised)
        {
            ReceivedAt[raised.ConcernId] = raised.ReceivedAt;
        }
        Relationships.Record(fact);
        DeadlineLedger.Record(fact, key => Deadlines.GetValueOrDefault(key), d => Deadlines[d.Key] = d, Deadlines.Values,
            id => ReceivedAt.TryGetValue(id, out var at) ? at : null, Relationships.ResponsibleSocialWorkerId);
    }
}

/// <summary>
/// Keeps <see cref="DeadlineEntry"/> (and the <see cref="DeadlineBook"/> behind them) in the transaction of the facts: for
/// each family of the batch, its book as stored, the batch's facts folded into it in order, and every deadline they
/// opened or changed stored again. Reads no clock: a rebuild reproduces it (the daemon applies pages one after the other).
/// </summary>
public sealed class DeadlineEntryProjection : IProjection
{
    public const string Name = "DeadlineEntries";

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // A contribution, a hearing, a consent change no deadline: the frequent writes load and store nothing here.
        var facts = events.Where(e => e.Data is IFamilyEvent fact && DeadlineLedger.CanChangeDeadlines(fact)).ToList();
        if (facts.Count == 0)
        {
            return;
        }
        var ids = facts.Select(e => e.StreamId).Distinct().ToArray();
        var books = (await operations.LoadManyAsync<DeadlineBook>(cancellation, ids)).ToDictionary(b => b.Id);
        foreach (var family in facts.GroupBy(e => e.StreamId))
        {
            var book = books.GetValueOrDefault(family.Key) ?? new DeadlineBook { Id = family.Key };
            var before = book.Deadlines.ToDictionary(d => d.Key, d => d.Value.Copy());
            foreach (var e in family)
            {
                book.Record((IFamilyEvent)e.Data);
            }
            operations.Store(book);
            foreach (var d in book.Deadlines.Values.Where(d => !before.TryGetValue(d.Key, out var was) || !Same(was, d)))
            {
                operations.Store(DeadlineEntry.Of(family.Key, d));
            }
        }
    }

    private static bool Same(Deadline a, Deadline b) =>
        a.DueDate == b.DueDate && a.MetOn == b.MetOn && a.MissedRecorded == b.MissedRecorded && a.ResponsibleId == b.ResponsibleId
        && a.Kind == b.Kind && a.SubjectId == b.SubjectId;

    public static void Configure(StoreOptions opts)
    {
        opts.Projections.Add(new DeadlineEntryProjection(), JasperFx.Events.Projections.ProjectionLifecycle.Inline, Name, o =>
        {
            o.DeleteViewTypeOnTeardown<DeadlineEntry>();
            o.DeleteViewTypeOnTeardown<DeadlineBook>();
            o.BatchSize = ProjectionPaging.RebuildBatchSize;
        });
        // Every list of deadlines is a range of one of these, in its order (due date, family, key): the whole organisation's,
        // its unmet ones (open, due soon, overdue), those met late, and one professional's, all or unmet (mine=true).
        opts.Column<DeadlineEntry>(nameof(DeadlineEntry.FamilyId), "family_id")
            .Column<DeadlineEntry>(nameof(DeadlineEntry.DueDate), "due_date")
            .Column<DeadlineEntry>(nameof(DeadlineEntry.MetOn), "met_on")
            .Column<DeadlineEntry>(nameof(DeadlineEntry.MissedRecorded), "missed")
            .Column<DeadlineEntry>(nameof(DeadlineEntry.ResponsibleId), "responsible_id")
            .Ordered<DeadlineEntry>("deadline_entry_by_due", ["tenant_id", "due_date", "id"], lastInC: true)
            .Ordered<DeadlineEntry>("deadline_entry_unmet", ["tenant_id", "due_date", "id"], lastInC: true, where: "met_on is null")
            .Ordered<DeadlineEntry>("deadline_entry_met_late", ["tenant_id", "due_date", "id"], lastInC: true, where: "met_on > due_date")
            .Ordered<DeadlineEntry>("deadline_entry_by_responsible", ["tenant_id", "responsible_id", "due_date", "id"], lastInC: true)
            .Ordered<DeadlineEntry>("deadline_entry_mine_unmet", ["tenant_id", "responsible_id", "due_date", "id"], lastInC: true,
                where: "met_on is null")
            // A caseworker's page sorts their families' entries: by family, carrying what the page filters and sorts by, so
            // the sort reads the index alone and only the page's own entries are read whole.
            .Ordered<DeadlineEntry>("deadline_entry_by_family", ["tenant_id", "family_id"],
                include: ["due_date", "id", "met_on", "missed", "responsible_id"]);
    }
}
