using Coordination.Audit;
using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Identity;
using Coordination.SituationalPicture;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Events;
using Marten;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Coordination.SchoolWelfare;

/// <summary>
/// Processes an accepted school message: finds the one family of the organisation that holds the pupil and appends the
/// message's facts to it, or leaves the message unmatched. The message record's status changes in the same transaction
/// as the facts (optimistic concurrency on the record), so a redelivered or replayed envelope finds it done.
/// </summary>
public static class ProcessSchoolMessageHandler
{
    public static async Task Handle(ProcessSchoolMessage command, IDocumentSession session, IMessageContext bus, TimeProvider clock,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var record = await session.LoadAsync<InboundMessage>(command.InboundId, ct);
        if (record is not { Status: InboundStatus.Received, Message: { } message })
        {
            return; // processed, unmatched, or unknown: nothing more to do, and doing nothing twice is harmless
        }

        var families = message.Pupil.PersonId is { } personId ? await session.FamiliesHoldingAsync(personId, ct) : [];
        if (families.Count != 1)
        {
            Unmatched(session, record, now, families.Count == 0
                ? message.Pupil.PersonId is null
                    ? "The message names no identity code for the pupil; a social worker links it to a family."
                    : "No family of the organisation holds this pupil; a social worker links the message to a family or opens one."
                : $"{families.Count} families of the organisation hold this pupil; a social worker links the message to the right one.");
            return;
        }

        var stream = await session.Events.FetchForExclusiveWriting<Family>(families[0], ct);
        var picture = await session.LoadAsync<FamilyPicture>(families[0], ct);
        var child = picture?.Children.FirstOrDefault(c => c.PersonId == message.Pupil.PersonId);
        if (stream.Aggregate is null || child is null)
        {
            Unmatched(session, record, now, "The family that holds this identity code has no child with it; a social worker links the message.");
            return;
        }
        if (Concerns.ConcernPlacement.MayPlace(stream.Aggregate, child.Id, SchoolMessagePlacement.AsConcern(record)) is { } misfit)
        {
            Unmatched(session, record, now, "The pupil the identity code names cannot be named by this message: "
                                            + ((misfit as HttpValidationProblemDetails)?.Errors.Values.SelectMany(m => m).FirstOrDefault() ?? misfit.Detail));
            return;
        }
        await SchoolMessagePlacement.PlaceAsync(session, bus, stream, record, child.Id, linkedBy: null, now, ct);
    }

    /// <summary>Leaves the message for a social worker, saying why (optimistic concurrency on the record, as for processing).</summary>
    private static void Unmatched(IDocumentSession session, InboundMessage record, DateTimeOffset now, string reason)
    {
        record.Status = InboundStatus.Unmatched;
        record.SettledAt ??= now;
        record.Reason = reason;
        session.Update(record);
    }
}

/// <summary>What a school message becomes on a family's stream: used on arrival and when a social worker links it.</summary>
public static class SchoolMessagePlacement
{
    /// <summary>The concern a welfare-concern message becomes (a school's notification, received when accepted); none for a report.</summary>
    public static (Concerns.ConcernKind, Concerns.SourceAgency?, DateTimeOffset)? AsConcern(InboundMessage record) =>
        record.Message?.Type == SchoolMessageType.WelfareConcern
            ? (Concerns.ConcernKind.ChildWelfareNotification, Concerns.SourceAgency.SchoolWelfare, record.ReceivedAt)
            : null;

    public static async Task<long> PlaceAsync(IDocumentSession session, IMessageContext bus, IEventStream<Family> stream,
        InboundMessage record, Guid childId, string? linkedBy, DateTimeOffset now, CancellationToken ct)
    {
        var message = record.Message!;
        var organisation = session.TenantId;
        var by = new Actor(record.SenderId, record.SenderName, Agency.Integration, organisation);
        var via = new ReceivedMessage(record.SenderId, message.MessageId, message.Type, message.LegalBasis, message.School, message.SentAt,
            record.ReceivedAt);
        var fact = Fact(message, via, childId, by);

        var version = await ConcernPlacement.AppendAsync(session, bus, stream, fact, now, ct);

        record.Status = InboundStatus.Processed;
        record.Reason = null;
        record.FamilyId = stream.Id;
        record.ProcessedAt = now;
        record.SettledAt ??= now;
        record.LinkedBy = linkedBy;
        session.Update(record);

        // ATL 39 §: what arrived, from whom, under which basis. In the same transaction as the fact: both or neither.
        AccessLog.Queue(session, organisation, new AccessLogEntry(AccessKind.Disclosure, stream.Id, DataOf(fact),
            Kebab.Name(Agency.SchoolWelfare), record.SenderId, $"{record.SenderName} ({message.School.Name})", Kebab.Name(Agency.Integration),
            ReceivedPurpose, Kebab.Name(message.LegalBasis), $"message {message.MessageId}", [childId]));
        return version;
    }

    /// <summary>The purpose of the disclosure-log entry for a message received from a school system.</summary>
    public const string ReceivedPurpose = "received-from-school";

    /// <summary>The fact a school message becomes on the pupil's family (public for the benchmark's county data set, which writes what processing would).</summary>
    public static IFamilyEvent Fact(SchoolMessage message, ReceivedMessage via, Guid childId, Actor by)
    {
        var reportId = Guid.CreateVersion7();
        switch (message.Type)
        {
            case SchoolMessageType.WelfareConcern:
                var p = message.WelfareConcern!;
                // LsL 25-26 §: the clock runs from when the notification reached child protection, i.e. when we accepted it.
                return new ConcernRaised(reportId, [childId], ConcernKind.ChildWelfareNotification, via.ReceivedAt,
                    new ConcernSource(SourceAgency.SchoolWelfare, message.School.Name, p.ReporterRole, Anonymous: false),
                    p.Description!, p.SuspectedOffence ?? SuspectedOffence.None, p.PoliceReported,
                    Calendar.FinnishCalendar.HelsinkiDate(via.ReceivedAt), DeadlineRules.DecisionDue(via.ReceivedAt), by, via.ReceivedAt,
                    via);
            case SchoolMessageType.ExpertGroupMeeting:
                var m = message.ExpertGroupMeeting!;
                return new ExpertGroupMeetingReported(reportId, childId, m.HeldOn!.Value, m.ParticipantRoles!, m.Summary!, m.NextMeetingOn, via,
                    by, message.SentAt);
            case SchoolMessageType.AbsenceAlert:
                var a = message.AbsenceAlert!;
                return new AbsenceAlertReported(reportId, childId, a.From!.Value, a.To!.Value, a.AbsentHours!.Value, a.UnexplainedHours!.Value,
                    a.Note, via, by, message.SentAt);
            case SchoolMessageType.WelfareStatus:
                var s = message.WelfareStatus!;
                return new WelfareStatusReported(reportId, childId, s.Status!.Value, s.SupportLevel, s.Summary, via, by, message.SentAt);
            default:
                throw new ArgumentOutOfRangeException(nameof(message));
        }
    }

    private static string DataOf(IFamilyEvent fact) => fact switch
    {
        ConcernRaised c => $"concern:{c.ConcernId}",
        ExpertGroupMeetingReported r => $"school-report:{r.ReportId}",
        AbsenceAlertReported r => $"school-report:{r.ReportId}",
        WelfareStatusReported r => $"school-report:{r.ReportId}",
        _ => "school-message",
    };
}

/// <summary>
/// Retries with back-off for school messages, then the dead-letter store (the status route reports it, an admin replays
/// it after a fix). The schedule comes from <see cref="SchoolWelfareOptions"/>.
/// </summary>
public sealed class SchoolMessageRetryPolicy(SchoolWelfareOptions options) : IHandlerPolicy
{
    public void Apply(IReadOnlyList<HandlerChain> chains, GenerationRules rules, IServiceContainer container)
    {
        // Intake notifications are received messages too, placed the same way.
        foreach (var chain in chains.Where(c => c.MessageType == typeof(ProcessSchoolMessage) || c.MessageType == typeof(Intake.ProcessNotification)))
        {
            chain.OnAnyException().RetryWithCooldown([.. options.RetriesInProcess])
                .Then.ScheduleRetry([.. options.RetriesScheduled])
                .Then.MoveToErrorQueue();
        }
    }
}
