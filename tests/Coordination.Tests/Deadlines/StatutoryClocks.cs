using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Families;
using static Coordination.Tests.Deadlines.Facts;

namespace Coordination.Tests.Deadlines;

/// <summary>
/// The statutory clocks of LsL 26 § and SHL 36 §. Every expected date below was worked out by hand on a printed calendar
/// (weekdays checked with <c>date -d</c>), with the holidays of docs' domain guide; none comes from the code under test.
/// </summary>
public class StatutoryClocks
{
    // ---------------------------------------------------------------- CompletionDue: 3 months from the day it became pending

    /// <summary>(received, as an instant with its offset; completion due; how it was worked out)</summary>
    public static TheoryData<string, string, string> ThreeMonths => new()
    {
        // Month ends: the same-numbered day, or the last day of a shorter month.
        { "2026-08-31T10:00:00+03:00", "2026-11-30", "31 Aug + 3 months: no 31 Nov, so Mon 30 Nov" },
        { "2026-11-30T10:00:00+02:00", "2027-03-01", "30 Nov + 3 months: no 30 Feb 2027, so Sun 28 Feb -> Mon 1 Mar" },
        { "2026-11-29T10:00:00+02:00", "2027-03-01", "29 Nov (a Sunday) + 3 months: no 29 Feb 2027, so Sun 28 Feb -> Mon 1 Mar" },
        { "2027-11-28T10:00:00+02:00", "2028-02-28", "28 Nov 2027 + 3 months = Mon 28 Feb 2028" },
        { "2027-11-29T10:00:00+02:00", "2028-02-29", "29 Nov 2027 + 3 months = Tue 29 Feb 2028 (leap year)" },
        { "2027-11-30T10:00:00+02:00", "2028-02-29", "30 Nov 2027 + 3 months: no 30 Feb, so the last day, Tue 29 Feb 2028" },
        { "2026-12-31T10:00:00+02:00", "2027-03-31", "31 Dec + 3 months = Wed 31 Mar 2027" },
        { "2027-01-29T10:00:00+02:00", "2027-04-29", "29 Jan 2027 + 3 months = Thu 29 Apr" },
        { "2027-01-30T10:00:00+02:00", "2027-04-30", "30 Jan 2027 + 3 months = Fri 30 Apr" },
        { "2027-01-31T10:00:00+02:00", "2027-04-30", "31 Jan 2027 + 3 months: no 31 Apr, so Fri 30 Apr" },
        { "2028-01-29T10:00:00+02:00", "2028-05-02", "29 Jan 2028 + 3 months = Sat 29 Apr -> Sun 30 -> Mon 1 May (May Day) -> Tue 2 May" },
        { "2028-01-30T10:00:00+02:00", "2028-05-02", "30 Jan 2028 + 3 months = Sun 30 Apr -> (May Day) -> Tue 2 May" },
        { "2028-01-31T10:00:00+02:00", "2028-05-02", "31 Jan 2028 + 3 months: no 31 Apr, Sun 30 Apr -> (May Day) -> Tue 2 May" },
        // Landing on holidays and weekends.
        { "2026-10-01T10:00:00+03:00", "2027-01-04", "1 Oct + 3 months = Fri 1 Jan 2027 (New Year's Day) -> Sat, Sun -> Mon 4 Jan" },
        { "2026-10-06T10:00:00+03:00", "2027-01-07", "6 Oct + 3 months = Wed 6 Jan 2027 (Epiphany) -> Thu 7 Jan" },
        { "2026-01-03T10:00:00+02:00", "2026-04-07", "3 Jan 2026 + 3 months = Good Friday 3 Apr -> Sat, Easter Sunday, Easter Monday -> Tue 7 Apr" },
        { "2026-01-06T10:00:00+02:00", "2026-04-07", "6 Jan 2026 + 3 months = Easter Monday 6 Apr -> Tue 7 Apr" },
        { "2026-12-26T10:00:00+02:00", "2027-03-30", "26 Dec 2026 + 3 months = Good Friday 26 Mar 2027 -> Sat, Easter Sunday 28, Easter Monday 29 -> Tue 30 Mar" },
        { "2026-12-28T10:00:00+02:00", "2027-03-30", "28 Dec 2026 + 3 months = Easter Sunday 28 Mar 2027 -> (Easter Monday) -> Tue 30 Mar" },
        { "2026-12-29T10:00:00+02:00", "2027-03-30", "29 Dec 2026 + 3 months = Easter Monday 29 Mar 2027 -> Tue 30 Mar" },
        { "2026-02-14T10:00:00+02:00", "2026-05-15", "14 Feb 2026 + 3 months = Ascension Day Thu 14 May -> Fri 15 May" },
        { "2027-02-01T10:00:00+02:00", "2027-05-03", "1 Feb 2027 + 3 months = Sat 1 May (May Day) -> Sun -> Mon 3 May" },
        { "2026-03-19T10:00:00+02:00", "2026-06-22", "19 Mar 2026 + 3 months = Midsummer Eve Fri 19 Jun -> Midsummer Day, Sun -> Mon 22 Jun" },
        { "2026-03-20T10:00:00+02:00", "2026-06-22", "20 Mar 2026 + 3 months = Midsummer Day Sat 20 Jun -> Sun -> Mon 22 Jun" },
        { "2026-07-31T10:00:00+03:00", "2026-11-02", "31 Jul 2026 + 3 months = All Saints' Day Sat 31 Oct -> Sun -> Mon 2 Nov" },
        { "2026-09-24T10:00:00+03:00", "2026-12-28", "24 Sep + 3 months = Christmas Eve Thu 24 Dec -> 25, 26, Sun 27 -> Mon 28 Dec" },
        { "2026-09-25T10:00:00+03:00", "2026-12-28", "25 Sep + 3 months = Christmas Day Fri 25 Dec -> Mon 28 Dec" },
        { "2026-09-26T10:00:00+03:00", "2026-12-28", "26 Sep + 3 months = St Stephen's Day Sat 26 Dec -> Mon 28 Dec" },
        { "2027-09-06T10:00:00+03:00", "2027-12-07", "6 Sep 2027 + 3 months = Independence Day Mon 6 Dec -> Tue 7 Dec" },
        // The Helsinki date of the receipt, whatever offset it was written with.
        { "2026-05-31T22:30:00Z", "2026-09-01", "22:30Z on 31 May = 01:30 EEST on Mon 1 Jun in Helsinki; + 3 months = Tue 1 Sep (not Mon 31 Aug)" },
        { "2026-05-31T18:00:00-05:00", "2026-09-01", "18:00 -05:00 on 31 May = 23:00Z = 02:00 EEST on 1 Jun; + 3 months = Tue 1 Sep" },
        { "2026-12-31T22:30:00Z", "2027-04-01", "22:30Z on 31 Dec = 00:30 EET on Fri 1 Jan 2027; + 3 months = Thu 1 Apr (not Wed 31 Mar)" },
        { "2026-03-31T21:30:00Z", "2026-07-01", "summer time began 29 Mar: 21:30Z on 31 Mar = 00:30 EEST on 1 Apr; + 3 months = Wed 1 Jul (not Tue 30 Jun)" },
        { "2026-06-30T23:30:00+02:00", "2026-10-01", "written with the winter offset in summer: 21:30Z = 00:30 EEST on 1 Jul; + 3 months = Thu 1 Oct" },
        { "2026-03-31T20:30:00Z", "2026-06-30", "20:30Z on 31 Mar = 23:30 EEST, still 31 Mar; + 3 months: no 31 Jun, Tue 30 Jun" },
    };

    [Theory]
    [MemberData(nameof(ThreeMonths))]
    public void the_assessment_is_completed_within_three_months_of_the_receipt(string receivedAt, string due, string reckoning)
    {
        _ = reckoning;
        Assert.Equal(D(due), DeadlineRules.CompletionDue(At(receivedAt)));
    }

    // ---------------------------------------------------------------- DecisionDue: the 7th working day after the receipt

    public static TheoryData<string, string, string> SevenWorkingDays => new()
    {
        { "2026-11-10T09:00:00+02:00", "2026-11-19", "THL: received Tue 10 Nov: Wed 11, Thu 12, Fri 13, Mon 16, Tue 17, Wed 18, Thu 19 (the Thursday of the next week)" },
        { "2026-11-07T12:00:00+02:00", "2026-11-17", "received Sat 7 Nov: Mon 9 ... Fri 13 (5), Mon 16, Tue 17" },
        { "2026-12-18T09:00:00+02:00", "2026-12-31", "received Fri 18 Dec: Mon 21, Tue 22, Wed 23, (24, 25, 26, Sun 27), Mon 28, Tue 29, Wed 30, Thu 31 (a working day)" },
        { "2026-12-23T09:00:00+02:00", "2027-01-07", "received Wed 23 Dec: (24-27), Mon 28, Tue 29, Wed 30, Thu 31, (Fri 1 Jan, weekend), Mon 4, Tue 5, (Epiphany Wed 6), Thu 7 Jan" },
        { "2027-03-24T09:00:00+02:00", "2027-04-06", "received Wed 24 Mar 2027: Thu 25, (Good Friday 26, Sat, Easter Sunday, Easter Monday 29), Tue 30, Wed 31, Thu 1 Apr, Fri 2, Mon 5, Tue 6" },
        { "2026-04-29T09:00:00+03:00", "2026-05-11", "received Wed 29 Apr 2026: Thu 30, (May Day Fri 1 May, weekend), Mon 4 ... Fri 8 (6), Mon 11" },
        { "2026-05-11T09:00:00+03:00", "2026-05-21", "received Mon 11 May 2026: Tue 12, Wed 13, (Ascension Thu 14), Fri 15, Mon 18, Tue 19, Wed 20, Thu 21" },
        { "2026-03-28T10:00:00+02:00", "2026-04-09", "received Sat 28 Mar 2026: Mon 30, Tue 31, Wed 1 Apr, Thu 2, (Good Friday 3, weekend, Easter Monday 6), Tue 7, Wed 8, Thu 9" },
        { "2026-10-24T10:00:00+03:00", "2026-11-03", "received Sat 24 Oct 2026: Mon 26 ... Fri 30 (5), (All Saints' Sat 31), Mon 2 Nov, Tue 3 Nov" },
        { "2026-03-09T22:30:00Z", "2026-03-19", "22:30Z on Mon 9 Mar = 00:30 EET on Tue 10 Mar in Helsinki: Wed 11 ... Thu 19 (not Wed 18 from Mon 9)" },
    };

    [Theory]
    [MemberData(nameof(SevenWorkingDays))]
    public void the_decision_is_due_on_the_seventh_working_day_after_the_receipt(string receivedAt, string due, string reckoning)
    {
        _ = reckoning;
        Assert.Equal(D(due), DeadlineRules.DecisionDue(At(receivedAt)));
    }

    [Fact]
    public void a_concern_is_to_be_assessed_for_urgency_on_its_helsinki_day_of_receipt_and_decided_by_the_seventh_working_day()
    {
        // 21:30Z on Sun 8 Nov 2026 is 23:30 EET, still Sunday 8 Nov in Helsinki: Mon 9 ... Fri 13 (5), Mon 16, Tue 17.
        var raised = Notification(Guid.NewGuid(), Guid.NewGuid(), At("2026-11-08T21:30:00Z"));
        Assert.Equal(D("2026-11-08"), raised.UrgencyDue);
        Assert.Equal(D("2026-11-17"), raised.DecisionDue);
    }

    // ---------------------------------------------------------------- PendingSince: the earliest receipt of the concerns

    private static AssessmentStarted StartedFrom(DateTimeOffset at, params Guid[] concernIds) =>
        Started(Guid.NewGuid(), concernIds, Guid.NewGuid(), D("2027-06-01"), "sw-lead", at);

    [Fact]
    public void the_matter_became_pending_on_the_earliest_receipt_of_the_concerns_it_started_from()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        var received = new Dictionary<Guid, DateTimeOffset>
        {
            [a] = At("2027-03-10T09:00:00+02:00"),
            [b] = At("2027-03-01T14:00:00+02:00"),
            [c] = At("2027-03-05T08:00:00+02:00"),
        };
        var started = StartedFrom(At("2027-03-12T10:00:00+02:00"), a, b, c);

        Assert.Equal(At("2027-03-01T14:00:00+02:00"), DeadlineRules.PendingSince(started, id => received.TryGetValue(id, out var r) ? r : null));
    }

    [Fact]
    public void a_concern_the_model_does_not_know_is_left_out_while_another_is_known()
    {
        Guid known = Guid.NewGuid(), unknown = Guid.NewGuid();
        var started = StartedFrom(At("2027-03-12T10:00:00+02:00"), unknown, known);

        Assert.Equal(At("2027-03-08T09:00:00+02:00"),
            DeadlineRules.PendingSince(started, id => id == known ? At("2027-03-08T09:00:00+02:00") : null));
    }

    [Fact]
    public void with_no_concern_known_the_matter_became_pending_when_the_assessment_started()
    {
        var started = StartedFrom(At("2027-03-12T10:00:00+02:00"), Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal(At("2027-03-12T10:00:00+02:00"), DeadlineRules.PendingSince(started, _ => null));

        var fromNothing = StartedFrom(At("2027-03-12T10:00:00+02:00"));
        Assert.Equal(At("2027-03-12T10:00:00+02:00"), DeadlineRules.PendingSince(fromNothing, _ => At("2027-01-01T10:00:00+02:00")));
    }

    [Fact]
    public void the_earliest_receipt_is_the_earliest_instant_whatever_offsets_the_receipts_were_written_with()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        // 23:30 EET on 28 Feb 2027 is 21:30Z; 22:00Z on 28 Feb is later although it reads "earlier" written in UTC.
        var received = new Dictionary<Guid, DateTimeOffset> { [a] = At("2027-02-28T22:00:00Z"), [b] = At("2027-02-28T23:30:00+02:00") };
        var pending = DeadlineRules.PendingSince(StartedFrom(At("2027-03-02T10:00:00+02:00"), a, b), id => received[id]);

        Assert.Equal(At("2027-02-28T21:30:00Z"), pending);
        // Sun 28 Feb 2027 + 3 months = Fri 28 May 2027.
        Assert.Equal(D("2027-05-28"), DeadlineRules.CompletionDue(pending));
    }

    [Fact]
    public void a_later_concern_joined_to_a_running_assessment_leaves_the_completion_clock_of_the_first_one_standing()
    {
        var family = Family(out var child);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), assessment = Guid.NewGuid();

        // Concern A received Mon 1 Mar 2027; decided Fri 5 Mar, when the assessment started.
        family.Apply(Notification(a, child, At("2027-03-01T10:00:00+02:00")));
        family.Apply(Urgency(a, "sw-lead", At("2027-03-01T15:00:00+02:00")));
        family.Apply(Decided(a, "sw-lead", At("2027-03-05T10:00:00+02:00"), assessment));
        family.Apply(Started(assessment, [a], child, D("2027-06-01"), "sw-lead", At("2027-03-05T10:00:00+02:00")));

        // 1 Mar + 3 months = Tue 1 Jun 2027 (from the decision it would be Sat 5 Jun -> Mon 7 Jun).
        Assert.Equal(D("2027-06-01"), family.Deadlines[CompletionKey(assessment)].DueDate);

        // Concern B received Sat 20 Mar 2027, joined on Mon 22 Mar (alone it would run to Sun 20 Jun -> Mon 21 Jun).
        family.Apply(Notification(b, child, At("2027-03-20T11:00:00+02:00")));
        family.Apply(Urgency(b, "sw-lead", At("2027-03-22T09:00:00+02:00")));
        family.Apply(Decided(b, "sw-lead", At("2027-03-22T10:00:00+02:00"), assessment));
        family.Apply(new ConcernJoinedAssessment(assessment, b, [child], SocialWorker("sw-lead"), At("2027-03-22T10:00:00+02:00")));

        var completion = Assert.Single(family.Deadlines.Values, d => d.Kind == DeadlineKind.AssessmentCompletion);
        Assert.Equal(D("2027-06-01"), completion.DueDate);
        Assert.Equal(CompletionKey(assessment), completion.Key);
        Assert.Equal("sw-lead", completion.ResponsibleId);
    }

    [Fact]
    public void the_ledger_counts_the_completion_from_the_earliest_concern_not_from_what_the_started_event_carries()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), assessment = Guid.NewGuid();
        var book = new Dictionary<string, Deadline>();
        var received = new Dictionary<Guid, DateTimeOffset>
        {
            [a] = At("2027-03-01T10:00:00+02:00"),
            [b] = At("2027-03-20T11:00:00+02:00"),
        };
        // An assessment started from both concerns at once; the event carries a due date counted from the decision.
        var started = Started(assessment, [b, a], Guid.NewGuid(), D("2027-06-22"), "sw-lead", At("2027-03-22T10:00:00+02:00"));

        DeadlineLedger.Record(started, k => book.GetValueOrDefault(k), d => book[d.Key] = d, book.Values,
            id => received.TryGetValue(id, out var r) ? r : null, responsibleSocialWorker: null);

        // 1 Mar 2027 + 3 months = Tue 1 Jun 2027.
        Assert.Equal(D("2027-06-01"), book[CompletionKey(assessment)].DueDate);
    }

    [Fact]
    public void deciding_to_assess_while_an_assessment_runs_answers_with_the_first_concerns_completion_due()
    {
        var family = Family(out var child);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        family.Apply(Notification(a, child, At("2027-03-01T10:00:00+02:00")));
        family.Apply(Urgency(a, "sw-lead", At("2027-03-01T15:00:00+02:00")));

        var start = Assert.IsType<Writing.Decision.Accepted>(DecideOnConcernEndpoint.Decide(family, a,
            new DecideOnConcern(ConcernDecision.StartAssessment, At("2027-03-05T10:00:00+02:00"), null, null),
            Caseworker("sw-lead"), At("2027-03-05T10:05:00+02:00")));
        var first = Assert.IsType<ConcernDecidedResponse>(start.Respond(4));
        Assert.Equal(D("2027-06-01"), first.CompletionDue); // 1 Mar + 3 months = Tue 1 Jun 2027
        foreach (var fact in start.Events)
        {
            switch (fact)
            {
                case ConcernDecided e: family.Apply(e); break;
                case AssessmentStarted e: family.Apply(e); break;
            }
        }

        family.Apply(Notification(b, child, At("2027-03-20T11:00:00+02:00")));
        family.Apply(Urgency(b, "sw-lead", At("2027-03-22T09:00:00+02:00")));
        var join = Assert.IsType<Writing.Decision.Accepted>(DecideOnConcernEndpoint.Decide(family, b,
            new DecideOnConcern(ConcernDecision.StartAssessment, At("2027-03-22T10:00:00+02:00"), null, null),
            Caseworker("sw-lead"), At("2027-03-22T10:05:00+02:00")));
        var joined = Assert.IsType<ConcernDecidedResponse>(join.Respond(9));

        Assert.True(joined.JoinedExisting);
        Assert.Equal(first.AssessmentId, joined.AssessmentId);
        Assert.Equal(D("2027-06-01"), joined.CompletionDue);
    }

    // ---------------------------------------------------------------- StateOn and WorkingDaysLate

    private static Deadline Due(string due, string? met = null, bool missedRecorded = false) => new()
    {
        Key = "assessment-decision:x", Kind = DeadlineKind.AssessmentDecision, SubjectId = Guid.NewGuid(), DueDate = D(due),
        MetOn = met is null ? null : D(met), MissedRecorded = missedRecorded,
    };

    [Theory]
    [InlineData("2026-11-19", "2026-11-01", DeadlineState.Open)]      // 18 days to go
    [InlineData("2026-11-19", "2026-11-11", DeadlineState.Open)]      // 8 days to go
    [InlineData("2026-11-19", "2026-11-12", DeadlineState.DueSoon)]   // 7 days to go
    [InlineData("2026-11-19", "2026-11-19", DeadlineState.DueSoon)]   // the due day itself
    [InlineData("2026-11-19", "2026-11-20", DeadlineState.Overdue)]   // the day after
    [InlineData("2026-11-19", "2027-02-01", DeadlineState.Overdue)]
    public void an_unmet_deadline_is_open_then_due_within_seven_days_then_overdue_after_its_day(string due, string today, DeadlineState state) =>
        Assert.Equal(state, DeadlineRules.StateOn(Due(due), D(today)));

    [Fact]
    public void how_soon_is_soon_can_be_said()
    {
        Assert.Equal(DeadlineState.Open, DeadlineRules.StateOn(Due("2026-11-19"), D("2026-11-16"), dueSoonDays: 2)); // 3 days
        Assert.Equal(DeadlineState.DueSoon, DeadlineRules.StateOn(Due("2026-11-19"), D("2026-11-17"), dueSoonDays: 2)); // 2 days
    }

    [Fact]
    public void a_recorded_miss_is_overdue()
    {
        Assert.Equal(DeadlineState.Overdue, DeadlineRules.StateOn(Due("2026-11-19", missedRecorded: true), D("2026-11-20")));
    }

    [Theory]
    [InlineData("2026-11-19", "2026-11-12", DeadlineState.Met)]       // a week early
    [InlineData("2026-11-19", "2026-11-19", DeadlineState.Met)]       // on the due day
    [InlineData("2026-11-19", "2026-11-20", DeadlineState.MetLate)]   // the day after
    [InlineData("2026-11-19", "2026-12-15", DeadlineState.MetLate)]
    public void a_met_deadline_is_met_or_met_late_whatever_the_day_it_is_seen_on(string due, string met, DeadlineState state)
    {
        foreach (var today in new[] { "2026-11-01", "2026-11-19", "2026-12-31" })
        {
            Assert.Equal(state, DeadlineRules.StateOn(Due(due, met), D(today)));
        }
    }

    [Fact]
    public void a_deadline_met_late_after_its_miss_was_recorded_is_met_late()
    {
        Assert.Equal(DeadlineState.MetLate, DeadlineRules.StateOn(Due("2026-11-19", "2026-11-23", missedRecorded: true), D("2026-11-30")));
    }

    [Fact]
    public void a_fact_meets_a_deadline_on_its_helsinki_date_and_only_the_first_fact_counts()
    {
        var d = Due("2026-11-19");
        d.MeetAt(At("2026-11-19T21:59:00Z")); // 23:59 EET on Thu 19 Nov
        d.MeetAt(At("2026-11-18T08:00:00+02:00"));
        Assert.Equal(D("2026-11-19"), d.MetOn);
        Assert.Equal(DeadlineState.Met, DeadlineRules.StateOn(d, D("2026-11-25")));

        var late = Due("2026-11-19");
        late.MeetAt(At("2026-11-19T22:00:00Z")); // 00:00 EET on Fri 20 Nov
        Assert.Equal(D("2026-11-20"), late.MetOn);
        Assert.Equal(DeadlineState.MetLate, DeadlineRules.StateOn(late, D("2026-11-25")));
    }

    /// <summary>(due, met, working days late, how it was counted)</summary>
    public static TheoryData<string, string, int, string> Lateness => new()
    {
        { "2026-11-13", "2026-11-14", 1, "due Fri 13 Nov, met Sat 14: Saturday counts as Mon 16, the 1st working day after" },
        { "2026-11-13", "2026-11-15", 1, "due Fri 13 Nov, met Sun 15: counts as Mon 16" },
        { "2026-11-13", "2026-11-16", 1, "due Fri 13 Nov, met Mon 16" },
        { "2026-11-13", "2026-11-17", 2, "due Fri 13 Nov, met Tue 17: Mon 16, Tue 17" },
        { "2026-10-12", "2026-12-01", 36, "due Mon 12 Oct, met Tue 1 Dec: Tue 13-Fri 16 Oct (4), six full weeks 19 Oct-27 Nov (30, All Saints' on a Saturday), Mon 30 Nov, Tue 1 Dec" },
        { "2026-12-23", "2026-12-24", 1, "due Wed 23 Dec, met Christmas Eve: counts as Mon 28 Dec, the 1st working day after" },
        { "2026-12-23", "2026-12-28", 1, "due Wed 23 Dec, met Mon 28 Dec (24-27 are no working days)" },
        { "2026-12-31", "2027-01-01", 1, "due Thu 31 Dec, met New Year's Day: counts as Mon 4 Jan" },
        { "2026-12-31", "2027-01-07", 3, "due Thu 31 Dec, met Thu 7 Jan: Mon 4, Tue 5, (Epiphany), Thu 7" },
        { "2026-11-07", "2026-11-09", 1, "urgency due on the Saturday of its receipt, Sat 7 Nov, assessed Mon 9 Nov: Mon 9 is the 1st working day after" },
        { "2027-03-25", "2027-03-30", 1, "due Thu 25 Mar 2027, met Tue 30 Mar: Good Friday to Easter Monday are no working days" },
    };

    [Theory]
    [MemberData(nameof(Lateness))]
    public void a_deadline_met_late_says_how_many_working_days_late(string due, string met, int late, string reckoning)
    {
        _ = reckoning;
        var deadline = Due(due, met);
        Assert.Equal(DeadlineState.MetLate, DeadlineRules.StateOn(deadline, D(met)));
        Assert.Equal(late, DeadlineRules.WorkingDaysLate(deadline));
    }

    [Theory]
    [InlineData("2026-11-13", "2026-11-13")]   // met on the due date
    [InlineData("2026-11-13", "2026-11-02")]   // met early
    [InlineData("2026-11-13", null)]           // not met
    public void a_deadline_not_met_late_has_no_working_days_late(string due, string? met) =>
        Assert.Null(DeadlineRules.WorkingDaysLate(Due(due, met)));

    [Fact]
    public void an_overdue_unmet_deadline_has_no_working_days_late_yet()
    {
        Assert.Null(DeadlineRules.WorkingDaysLate(Due("2026-11-13", missedRecorded: true)));
    }
}
