using Coordination.Deadlines;
using Coordination.Identity;
using Coordination.SystemicTeams;

namespace Coordination.Tests.SystemicTeams;

public class AgendaTests
{
    private static readonly DateTimeOffset Meeting = new(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(2)); // Thursday
    private static readonly DateTimeOffset Previous = Meeting.AddDays(-7);

    private static TeamCase Case() => new() { Id = Guid.NewGuid(), AllocatedAt = Previous.AddDays(-30) };

    private static List<AttentionReason> Reasons(TeamCase c, params Deadline[] deadlines) => Reasons(c, [], deadlines);

    private static List<AttentionReason> Reasons(TeamCase c, IEnumerable<Arrival> arrivals, params Deadline[] deadlines) =>
        Agenda.Reasons(c, arrivals, deadlines, Meeting, Previous).Select(r => r.Reason).ToList();

    private static Arrival Arrived(ArrivalKind kind, Agency agency, DateTimeOffset at) => new(Guid.NewGuid(), kind, agency, Guid.NewGuid(), at);

    private static Deadline Due(DateOnly due, DateOnly? met = null) =>
        new() { Key = "k", Kind = DeadlineKind.AssessmentDecision, SubjectId = Guid.NewGuid(), DueDate = due, MetOn = met };

    [Fact]
    public void a_family_with_nothing_new_needs_no_attention()
    {
        Assert.Empty(Reasons(Case(), [Arrived(ArrivalKind.Concern, Agency.SchoolWelfare, Previous.AddMinutes(-1))]));
    }

    [Fact]
    public void what_arrived_after_the_previous_meeting_is_new()
    {
        Arrival[] arrivals =
        [
            Arrived(ArrivalKind.Concern, Agency.SchoolWelfare, Previous.AddMinutes(1)),
            Arrived(ArrivalKind.Contribution, Agency.ChildPsychiatry, Previous.AddDays(2)),
            Arrived(ArrivalKind.Hearing, Agency.SocialWork, Previous.AddDays(3)),
        ];
        Assert.Equal([AttentionReason.NewConcern, AttentionReason.NewContribution, AttentionReason.NewHearing], Reasons(Case(), arrivals));
    }

    [Fact]
    public void the_first_meeting_of_a_team_counts_everything_as_new()
    {
        var reasons = Agenda.Reasons(Case(), [Arrived(ArrivalKind.Concern, Agency.SchoolWelfare, Previous.AddDays(-100))], [], Meeting,
            previousMeetingAt: null).Select(r => r.Reason);
        Assert.Equal([AttentionReason.NewlyAllocated, AttentionReason.NewConcern], reasons);
    }

    [Fact]
    public void deadlines_due_within_seven_days_of_the_meeting_or_missed_are_named_and_met_ones_are_not()
    {
        var day = DateOnly.FromDateTime(Meeting.Date);
        Assert.Equal([AttentionReason.DeadlineDueSoon], Reasons(Case(), Due(day.AddDays(7))));
        Assert.Empty(Reasons(Case(), Due(day.AddDays(8))));
        Assert.Equal([AttentionReason.DeadlineMissed], Reasons(Case(), Due(day.AddDays(-1))));
        Assert.Empty(Reasons(Case(), Due(day.AddDays(-1), met: day.AddDays(-2))));
    }

    [Fact]
    public void an_open_action_past_its_due_day_is_overdue_and_a_completed_one_is_not()
    {
        var day = DateOnly.FromDateTime(Meeting.Date);
        var c = Case();
        c.Actions.Add(new CaseAction { ActionId = Guid.NewGuid(), DueBy = day.AddDays(-1) });
        c.Actions.Add(new CaseAction { ActionId = Guid.NewGuid(), DueBy = day });
        c.Actions.Add(new CaseAction { ActionId = Guid.NewGuid(), DueBy = day.AddDays(-5), CompletedAt = Meeting.AddDays(-6) });
        Assert.Equal([AttentionReason.ActionOverdue], Reasons(c));
    }

    [Fact]
    public void a_hypothesis_not_revisited_for_four_weeks_is_named_unless_discarded()
    {
        var c = Case();
        c.Hypotheses.Add(new CaseHypothesis { HypothesisId = Guid.NewGuid(), Status = HypothesisStatus.Supported, LastRevisedAt = Meeting.AddDays(-29) });
        c.Hypotheses.Add(new CaseHypothesis { HypothesisId = Guid.NewGuid(), Status = HypothesisStatus.Proposed, LastRevisedAt = Meeting.AddDays(-27) });
        c.Hypotheses.Add(new CaseHypothesis { HypothesisId = Guid.NewGuid(), Status = HypothesisStatus.Discarded, LastRevisedAt = Meeting.AddDays(-90) });
        Assert.Equal([AttentionReason.HypothesisNotRevisited], Reasons(c));
    }

    [Fact]
    public void a_family_allocated_since_the_last_meeting_is_new_to_the_team()
    {
        var c = Case();
        c.AllocatedAt = Previous.AddHours(1);
        Assert.Equal([AttentionReason.NewlyAllocated], Reasons(c));
    }
}
