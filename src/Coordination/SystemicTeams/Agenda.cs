using Coordination.Calendar;
using Coordination.Deadlines;
using Coordination.Identity;

namespace Coordination.SystemicTeams;

public enum AttentionReason
{
    NewlyAllocated,
    NewConcern,
    NewContribution,
    NewHearing,
    DeadlineDueSoon,
    DeadlineMissed,
    ActionOverdue,
    HypothesisNotRevisited,
}

/// <summary>Why a family needs the team's attention: what, whose (agency), which item, and when it was recorded or is due.</summary>
public sealed record AgendaReason(AttentionReason Reason, Guid? SubjectId = null, Agency? Agency = null, string? DeadlineKind = null,
    DateOnly? DueBy = null, DateTimeOffset? At = null);

public sealed record AgendaItem(Guid FamilyId, IReadOnlyList<CaseChild> Children, CaseStage Stage, WorkerRef? ResponsibleSocialWorker,
    IReadOnlyList<AgendaReason> Reasons);

public sealed record WorkerRef(string Id, string? Name);

public sealed record AgendaView(Guid TeamId, Guid MeetingId, DateTimeOffset ScheduledFor, DateTimeOffset? PreviousMeetingAt,
    IReadOnlyList<AgendaItem> Families);

/// <summary>
/// The weekly meeting's agenda: every family of the team, each with why it needs attention at the meeting. Pure: the
/// family's case facts, its deadlines, the meeting's time and the previous meeting's (what came after it is new).
/// </summary>
public static class Agenda
{
    public const int DeadlineHorizonDays = 7;
    public static readonly TimeSpan HypothesisRevisitInterval = TimeSpan.FromDays(28);

    public static IReadOnlyList<AgendaReason> Reasons(TeamCase c, IEnumerable<Arrival> arrivals, IEnumerable<Deadline> deadlines,
        DateTimeOffset meetingAt, DateTimeOffset? previousMeetingAt)
    {
        var since = previousMeetingAt ?? DateTimeOffset.MinValue;
        var meetingDay = FinnishCalendar.HelsinkiDate(meetingAt);
        var reasons = new List<AgendaReason>();
        if (c.AllocatedAt > since)
        {
            reasons.Add(new AgendaReason(AttentionReason.NewlyAllocated, At: c.AllocatedAt));
        }
        reasons.AddRange(arrivals.Where(a => a.RecordedAt > since).Select(a => new AgendaReason(a.Kind switch
        {
            ArrivalKind.Concern => AttentionReason.NewConcern,
            ArrivalKind.Contribution => AttentionReason.NewContribution,
            _ => AttentionReason.NewHearing,
        }, a.SubjectId, a.Agency, At: a.RecordedAt)));
        foreach (var deadline in deadlines.OrderBy(d => d.DueDate))
        {
            var state = DeadlineRules.StateOn(deadline, meetingDay, DeadlineHorizonDays);
            if (state is DeadlineState.DueSoon or DeadlineState.Overdue)
            {
                reasons.Add(new AgendaReason(state == DeadlineState.DueSoon ? AttentionReason.DeadlineDueSoon : AttentionReason.DeadlineMissed,
                    deadline.SubjectId, DeadlineKind: Kebab.Name(deadline.Kind), DueBy: deadline.DueDate));
            }
        }
        reasons.AddRange(c.Actions.Where(a => a.CompletedAt is null && a.DueBy < meetingDay).OrderBy(a => a.DueBy)
            .Select(a => new AgendaReason(AttentionReason.ActionOverdue, a.ActionId, DueBy: a.DueBy)));
        reasons.AddRange(c.Hypotheses
            .Where(h => h.Status != HypothesisStatus.Discarded && meetingAt - h.LastRevisedAt > HypothesisRevisitInterval)
            .Select(h => new AgendaReason(AttentionReason.HypothesisNotRevisited, h.HypothesisId, At: h.LastRevisedAt)));
        return reasons;
    }

    /// <param name="arrivals">What arrived in each family after the previous meeting (<see cref="Arrivals.SinceAsync"/>).</param>
    public static AgendaView For(Team team, TeamMeeting meeting, IEnumerable<TeamCase> cases, IReadOnlyDictionary<Guid, List<Arrival>> arrivals,
        IReadOnlyDictionary<Guid, List<Deadline>> deadlines)
    {
        var previous = team.MeetingBefore(meeting)?.ScheduledFor;
        var items = cases
            .Select(c => new AgendaItem(c.Id, c.Children, c.Stage, Caseload.Worker(c),
                Reasons(c, arrivals.GetValueOrDefault(c.Id) ?? [], deadlines.GetValueOrDefault(c.Id) ?? [], meeting.ScheduledFor, previous)))
            .OrderByDescending(i => i.Reasons.Count > 0).ThenBy(i => i.Children.Count > 0 ? i.Children[0].Name : "", StringComparer.Ordinal)
            .ThenBy(i => i.FamilyId)
            .ToList();
        return new AgendaView(team.Id, meeting.MeetingId, meeting.ScheduledFor, previous, items);
    }
}
