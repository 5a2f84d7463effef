using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Identity;
using static Coordination.Tests.Deadlines.Facts;

namespace Coordination.Tests.Deadlines;

/// <summary>
/// A late or back-dated fact makes a deadline's miss known in the same write, dated at the first moment of the Helsinki
/// day after the due date. Summer time (EEST, +03:00) ended on Sun 25 Oct 2026; from then Helsinki is EET, +02:00.
/// </summary>
public class MissesMadeKnownTests
{
    private static readonly Actor Service = new("coordination", "Coordination (deadline monitor)", Agency.System, Org);

    private static IReadOnlyList<DeadlineMissed> Misses(Family family, DateTimeOffset now, params object[] facts) =>
        DeadlineLedger.MissesMadeKnown(family, facts, now, Org);

    private static void AssertSameMoment(DateTimeOffset expected, DateTimeOffset actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expected.Offset, actual.Offset);
    }

    /// <summary>A concern received Wed 21 Oct 2026 (EEST): urgency due that day; decision due Fri 30 Oct (Thu 22, Fri 23, Mon 26 ... Fri 30).</summary>
    private static readonly DateTimeOffset ReceivedWed21Oct = At("2026-10-21T10:00:00+03:00");

    [Fact]
    public void a_concern_received_twenty_days_ago_and_recorded_now_makes_both_its_misses_known()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();
        var now = At("2026-11-10T10:00:00+02:00"); // 20 days after the receipt

        var misses = Misses(family, now, Notification(concern, child, ReceivedWed21Oct));

        Assert.Equal(
        [
            new DeadlineMissed(UrgencyKey(concern), DeadlineKind.UrgencyAssessment, D("2026-10-21"), null, Service, At("2026-10-22T00:00:00+03:00")),
            new DeadlineMissed(DecisionKey(concern), DeadlineKind.AssessmentDecision, D("2026-10-30"), null, Service, At("2026-10-31T00:00:00+02:00")),
        ], misses);
        // Midnight of Thu 22 Oct is still summer time (+03:00, 21:00Z the day before); midnight of Sat 31 Oct is winter time (+02:00, 22:00Z).
        AssertSameMoment(At("2026-10-22T00:00:00+03:00"), misses[0].OccurredAt);
        AssertSameMoment(At("2026-10-31T00:00:00+02:00"), misses[1].OccurredAt);
        Assert.Equal(new DateTime(2026, 10, 21, 21, 0, 0, DateTimeKind.Utc), misses[0].OccurredAt.UtcDateTime);
        Assert.Equal(new DateTime(2026, 10, 30, 22, 0, 0, DateTimeKind.Utc), misses[1].OccurredAt.UtcDateTime);
    }

    [Fact]
    public void the_misses_of_a_concern_name_the_familys_responsible_social_worker()
    {
        var family = Family(out var child);
        family.Apply(Allocated("sw-resp", At("2026-09-01T09:00:00+03:00")));
        var concern = Guid.NewGuid();

        var misses = Misses(family, At("2026-11-10T10:00:00+02:00"), Notification(concern, child, ReceivedWed21Oct));

        Assert.Equal([UrgencyKey(concern), DecisionKey(concern)], misses.Select(m => m.DeadlineKey));
        Assert.All(misses, m => Assert.Equal("sw-resp", m.ResponsibleId));
    }

    [Fact]
    public void a_concern_received_late_last_night_misses_its_urgency_deadline_from_midnight()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();
        var received = At("2026-11-08T21:30:00Z"); // 23:30 EET on Sun 8 Nov

        // At 23:50 on Sunday in Helsinki the day is not over.
        Assert.Empty(Misses(family, At("2026-11-08T21:50:00Z"), Notification(concern, child, received)));

        // At 00:10 on Monday it is: urgency was due Sun 8 Nov; the decision (due Tue 17 Nov) is not.
        var miss = Assert.Single(Misses(family, At("2026-11-08T22:10:00Z"), Notification(concern, child, received)));
        Assert.Equal(new DeadlineMissed(UrgencyKey(concern), DeadlineKind.UrgencyAssessment, D("2026-11-08"), null, Service,
            At("2026-11-09T00:00:00+02:00")), miss);
        AssertSameMoment(At("2026-11-09T00:00:00+02:00"), miss.OccurredAt);
    }

    [Fact]
    public void a_concern_received_today_makes_no_miss_known()
    {
        var family = Family(out var child);
        Assert.Empty(Misses(family, At("2026-10-21T16:00:00+03:00"), Notification(Guid.NewGuid(), child, ReceivedWed21Oct)));
    }

    /// <summary>The concern received Wed 21 Oct 2026, its urgency assessed the same afternoon by sw-a.</summary>
    private static (Family, Guid Concern, Guid Child) Assessed()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();
        family.Apply(Notification(concern, child, ReceivedWed21Oct));
        family.Apply(Urgency(concern, "sw-a", At("2026-10-21T14:00:00+03:00")));
        return (family, concern, child);
    }

    [Fact]
    public void a_decision_met_late_makes_one_miss_known_from_the_moment_it_passed()
    {
        var (family, concern, _) = Assessed();

        // Decided Mon 2 Nov, one working day after its due date Fri 30 Oct.
        var miss = Assert.Single(Misses(family, At("2026-11-02T10:01:00+02:00"), Decided(concern, "sw-a", At("2026-11-02T10:00:00+02:00"))));

        Assert.Equal(new DeadlineMissed(DecisionKey(concern), DeadlineKind.AssessmentDecision, D("2026-10-30"), "sw-a", Service,
            At("2026-10-31T00:00:00+02:00")), miss);
        AssertSameMoment(At("2026-10-31T00:00:00+02:00"), miss.OccurredAt);
    }

    [Fact]
    public void a_late_decision_to_start_an_assessment_misses_the_decision_only()
    {
        var (family, concern, child) = Assessed();
        var assessment = Guid.NewGuid();
        var decidedAt = At("2026-11-02T10:00:00+02:00");

        // The completion runs from the receipt: 21 Oct + 3 months = Thu 21 Jan 2027, far off.
        var miss = Assert.Single(Misses(family, At("2026-11-02T10:01:00+02:00"),
            Decided(concern, "sw-a", decidedAt, assessment), Started(assessment, [concern], child, D("2027-01-21"), "sw-a", decidedAt)));

        Assert.Equal(DecisionKey(concern), miss.DeadlineKey);
    }

    [Fact]
    public void a_late_decision_recorded_days_later_still_misses_from_its_due_day()
    {
        var (family, concern, _) = Assessed();

        var miss = Assert.Single(Misses(family, At("2026-11-10T10:00:00+02:00"), Decided(concern, "sw-a", At("2026-11-02T10:00:00+02:00"))));

        Assert.Equal(D("2026-10-30"), miss.DueDate);
        AssertSameMoment(At("2026-10-31T00:00:00+02:00"), miss.OccurredAt);
    }

    [Fact]
    public void a_decision_made_in_time_and_recorded_after_its_due_date_makes_no_miss_known()
    {
        var (family, concern, _) = Assessed();

        Assert.Empty(Misses(family, At("2026-11-10T10:00:00+02:00"), Decided(concern, "sw-a", At("2026-10-29T15:00:00+02:00"))));
        // 23:30 EET on the due day Fri 30 Oct is 21:30Z: still in time.
        Assert.Empty(Misses(family, At("2026-11-10T10:00:00+02:00"), Decided(concern, "sw-a", At("2026-10-30T21:30:00Z"))));
    }

    [Fact]
    public void a_late_urgency_assessment_makes_its_miss_known_and_it_is_nobodys_by_name()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();
        family.Apply(Notification(concern, child, ReceivedWed21Oct));

        var miss = Assert.Single(Misses(family, At("2026-10-22T09:05:00+03:00"), Urgency(concern, "sw-a", At("2026-10-22T09:00:00+03:00"))));

        Assert.Equal(new DeadlineMissed(UrgencyKey(concern), DeadlineKind.UrgencyAssessment, D("2026-10-21"), null, Service,
            At("2026-10-22T00:00:00+03:00")), miss);
    }

    [Fact]
    public void a_miss_already_recorded_is_not_repeated()
    {
        var (family, concern, _) = Assessed();
        family.Apply(new DeadlineMissed(DecisionKey(concern), DeadlineKind.AssessmentDecision, D("2026-10-30"), "sw-a", Service,
            At("2026-10-31T00:00:00+02:00")));

        Assert.Empty(Misses(family, At("2026-11-02T10:01:00+02:00"), Decided(concern, "sw-a", At("2026-11-02T10:00:00+02:00"))));
    }

    [Fact]
    public void an_urgency_miss_the_deadline_check_recorded_is_not_repeated_by_the_late_assessment()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();
        family.Apply(Notification(concern, child, ReceivedWed21Oct));
        family.Apply(new DeadlineMissed(UrgencyKey(concern), DeadlineKind.UrgencyAssessment, D("2026-10-21"), null, Service,
            At("2026-10-22T00:00:00+03:00")));

        Assert.Empty(Misses(family, At("2026-10-23T09:05:00+03:00"), Urgency(concern, "sw-a", At("2026-10-23T09:00:00+03:00"))));
    }

    [Fact]
    public void a_completion_met_late_makes_the_assessing_social_workers_miss_known()
    {
        var family = Family(out var child);
        Guid concern = Guid.NewGuid(), assessment = Guid.NewGuid();
        family.Apply(Notification(concern, child, At("2027-03-01T10:00:00+02:00")));
        family.Apply(Urgency(concern, "sw-lead", At("2027-03-01T15:00:00+02:00")));
        family.Apply(Decided(concern, "sw-lead", At("2027-03-05T10:00:00+02:00"), assessment));
        family.Apply(Started(assessment, [concern], child, D("2027-06-01"), "sw-lead", At("2027-03-05T10:00:00+02:00")));

        // Due Tue 1 Jun 2027 (1 Mar + 3 months); concluded Wed 2 Jun, in summer time.
        var miss = Assert.Single(Misses(family, At("2027-06-02T10:01:00+03:00"),
            Concluded(assessment, "sw-lead", At("2027-06-02T10:00:00+03:00"), responsibleId: null)));

        Assert.Equal(new DeadlineMissed(CompletionKey(assessment), DeadlineKind.AssessmentCompletion, D("2027-06-01"), "sw-lead", Service,
            At("2027-06-02T00:00:00+03:00")), miss);
        AssertSameMoment(At("2027-06-02T00:00:00+03:00"), miss.OccurredAt);
    }

    [Fact]
    public void a_fact_about_something_else_leaves_an_open_passed_deadline_to_the_deadline_check()
    {
        var family = Family(out var child);
        Guid forgotten = Guid.NewGuid(), fresh = Guid.NewGuid();
        family.Apply(Notification(forgotten, child, ReceivedWed21Oct)); // never assessed: both deadlines passed by 10 Nov
        family.Apply(Notification(fresh, child, At("2026-11-10T08:00:00+02:00")));

        Assert.Empty(Misses(family, At("2026-11-10T10:01:00+02:00"), Urgency(fresh, "sw-a", At("2026-11-10T10:00:00+02:00"))));
    }

    [Fact]
    public void making_misses_known_changes_nothing_in_the_family()
    {
        var (family, concern, _) = Assessed();

        _ = Misses(family, At("2026-11-02T10:01:00+02:00"), Decided(concern, "sw-a", At("2026-11-02T10:00:00+02:00")));

        var decision = family.Deadlines[DecisionKey(concern)];
        Assert.Null(decision.MetOn);
        Assert.False(decision.MissedRecorded);
    }

    [Fact]
    public void a_miss_on_the_night_summer_time_begins_starts_at_winter_midnight()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();

        // Received Sat 28 Mar 2026; clocks go from 03:00 EET to 04:00 EEST on Sun 29 Mar, so its midnight is still +02:00.
        // The decision is due Thu 9 Apr (Mon 30, Tue 31, Wed 1, Thu 2, Tue 7, Wed 8, Thu 9), not passed on Mon 30 Mar.
        var miss = Assert.Single(Misses(family, At("2026-03-30T09:00:00+03:00"), Notification(concern, child, At("2026-03-28T10:00:00+02:00"))));

        Assert.Equal(new DeadlineMissed(UrgencyKey(concern), DeadlineKind.UrgencyAssessment, D("2026-03-28"), null, Service,
            At("2026-03-29T00:00:00+02:00")), miss);
        AssertSameMoment(At("2026-03-29T00:00:00+02:00"), miss.OccurredAt);
    }

    [Fact]
    public void a_miss_on_the_night_summer_time_ends_starts_at_summer_midnight()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();

        // Received Sat 24 Oct 2026; clocks go from 04:00 EEST back to 03:00 EET on Sun 25 Oct, so its midnight is still +03:00.
        // The decision is due Tue 3 Nov, not passed on Mon 26 Oct.
        var miss = Assert.Single(Misses(family, At("2026-10-26T09:00:00+02:00"), Notification(concern, child, At("2026-10-24T10:00:00+03:00"))));

        Assert.Equal(new DeadlineMissed(UrgencyKey(concern), DeadlineKind.UrgencyAssessment, D("2026-10-24"), null, Service,
            At("2026-10-25T00:00:00+03:00")), miss);
        AssertSameMoment(At("2026-10-25T00:00:00+03:00"), miss.OccurredAt);
    }
}
