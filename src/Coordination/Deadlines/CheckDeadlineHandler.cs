using Coordination.Calendar;
using Coordination.Families;
using Coordination.Identity;
using Marten;
using Wolverine;

namespace Coordination.Deadlines;

/// <summary>Raised the moment a deadline passes unmet, for the professional responsible (or the intake when nobody is yet).</summary>
public sealed record DeadlineReminder(Guid FamilyId, string DeadlineKey, DeadlineKind Kind, DateOnly DueDate, string? ResponsibleId);

/// <summary>Runs when a deadline's day is over: if it was not met, records that it was missed and raises a reminder.</summary>
public static class CheckDeadlineHandler
{
    public static async Task<DeadlineReminder?> Handle(CheckDeadline message, IDocumentSession session, TimeProvider clock,
        IMessageContext context, CancellationToken ct)
    {
        var stream = await session.Events.FetchForExclusiveWriting<Family>(message.FamilyId, ct);
        if (stream.Aggregate is null || !stream.Aggregate.Deadlines.TryGetValue(message.DeadlineKey, out var deadline)
            || deadline.MetOn is not null)
        {
            return null; // met, or no such deadline: nothing to do, and doing it twice is harmless
        }
        if (deadline.MissedRecorded)
        {
            // Recorded by the write that made it known (a concern received days before it was recorded): remind all the same.
            return new DeadlineReminder(message.FamilyId, deadline.Key, deadline.Kind, deadline.DueDate, deadline.ResponsibleId);
        }

        var now = clock.GetUtcNow();
        if (FinnishCalendar.HelsinkiDate(now) <= deadline.DueDate)
        {
            // Delivered before the day is over (a clock moved, a replay): look again when it is.
            await context.ScheduleAsync(message, DeadlineRules.CheckAt(deadline), new DeliveryOptions { TenantId = session.TenantId });
            return null;
        }

        await Audit.HashChain.AppendSealedAsync(session, stream,
            [new DeadlineMissed(deadline.Key, deadline.Kind, deadline.DueDate, deadline.ResponsibleId, Actor.Service(session.TenantId),
                DeadlineRules.CheckAt(deadline))], ct); // a fact from the moment it passed, whenever the check runs
        return new DeadlineReminder(message.FamilyId, deadline.Key, deadline.Kind, deadline.DueDate, deadline.ResponsibleId);
    }
}

/// <summary>
/// A reminder waiting for a professional: a deadline passed unmet (its fact is <see cref="DeadlineMissed"/>). Kept as a
/// document while the deadline stays unmet, listed by <c>GET /api/reminders</c>; deleted by the write that meets it.
/// </summary>
public sealed class Reminder
{
    public string Id { get; set; } = "";
    public Guid FamilyId { get; set; }
    public DeadlineKind Kind { get; set; }
    public DateOnly DueDate { get; set; }
    public string? ResponsibleId { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
}

public static class DeadlineReminderHandler
{
    /// <summary>Keeps the reminder, unless the deadline was met in the meantime (a write meeting it deletes its reminder).</summary>
    public static async Task Handle(DeadlineReminder reminder, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var family = await session.LoadAsync<Family>(reminder.FamilyId, ct);
        if (family is null || !family.Deadlines.TryGetValue(reminder.DeadlineKey, out var deadline) || deadline.MetOn is not null)
        {
            return;
        }
        session.Store(new Reminder
        {
            Id = reminder.DeadlineKey, FamilyId = reminder.FamilyId, Kind = reminder.Kind, DueDate = reminder.DueDate,
            ResponsibleId = reminder.ResponsibleId, RaisedAt = clock.GetUtcNow(),
        });
    }
}

public static class DeadlinesStorage
{
    public static void ConfigureDeadlines(this StoreOptions opts)
    {
        opts.Schema.For<Reminder>().Index(r => r.FamilyId).Index(r => r.DueDate);
        DeadlineEntryProjection.Configure(opts);
    }
}
