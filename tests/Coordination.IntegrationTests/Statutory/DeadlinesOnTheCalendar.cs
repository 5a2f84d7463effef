using System.Net;
using System.Text.Json.Nodes;
using Coordination.Calendar;
using Coordination.Deadlines;
using Coordination.IntegrationTests.Infrastructure;
using Marten;
using Npgsql;
using Wolverine;

namespace Coordination.IntegrationTests.Statutory;

public sealed class DeadlinesOnTheCalendar(ClockedHost host) : IClassFixture<ClockedHost>
{
    private static string Iso(DateTimeOffset t) => t.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task a_deadline_that_passes_unmet_is_recorded_missed_and_raises_a_reminder_without_waiting_real_days()
    {
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern(receivedAt: Iso(host.Clock.GetUtcNow()));
        var org = path.SocialWorker.Org;

        // The checks were scheduled, durably, for the first moment after each due day.
        var scheduled = await ScheduledChecks();
        var decisionKey = DeadlineRules.Key(DeadlineKind.AssessmentDecision, path.ConcernId);
        var urgencyKey = DeadlineRules.Key(DeadlineKind.UrgencyAssessment, path.ConcernId);
        var decisionDue = DeadlineRules.DecisionDue(host.Clock.GetUtcNow());
        Assert.Contains(FinnishCalendar.StartOfHelsinkiDay(decisionDue.AddDays(1)), scheduled);
        Assert.Contains(FinnishCalendar.StartOfHelsinkiDay(FinnishCalendar.HelsinkiDate(host.Clock.GetUtcNow()).AddDays(1)), scheduled);

        // Before its day is over a check changes nothing.
        await host.Bus.InvokeForTenantAsync(org, new CheckDeadline(path.FamilyId, decisionKey));
        Assert.DoesNotContain(await host.EventsOf(org, path.FamilyId), e => e.Data is DeadlineMissed);

        // Twelve days later the checks run (as the scheduler would run them) and find both deadlines unmet.
        host.Clock.Advance(TimeSpan.FromDays(12));
        try
        {
            await host.Bus.InvokeForTenantAsync(org, new CheckDeadline(path.FamilyId, urgencyKey));
            await host.Bus.InvokeForTenantAsync(org, new CheckDeadline(path.FamilyId, decisionKey));
            await host.Bus.InvokeForTenantAsync(org, new CheckDeadline(path.FamilyId, decisionKey)); // delivered twice: harmless
        }
        finally
        {
            host.Clock.Reset();
        }

        var missed = (await host.EventsOf(org, path.FamilyId)).Select(e => e.Data).OfType<DeadlineMissed>().ToList();
        Assert.Equal([DeadlineKind.UrgencyAssessment, DeadlineKind.AssessmentDecision], missed.Select(m => m.Kind));
        Assert.All(missed, m => Assert.Equal(Identity.Agency.System, m.By.Agency));
        Assert.Equal(decisionDue, missed[1].DueDate);

        await using var session = host.Store.QuerySession(org);
        var reminder = await WaitFor(() => session.LoadAsync<Reminder>(decisionKey));
        Assert.Equal(path.FamilyId, reminder.FamilyId);

        var picture = await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        Assert.All(picture["deadlines"]!.AsArray(), d => Assert.Equal("overdue", d!["state"]!.GetValue<string>()));
        var overdue = await (await path.SocialWork.GetAsync("/api/deadlines?state=overdue")).Ok();
        Assert.Equal(2, overdue.AsArray().Count(d => d!["familyId"]!.GetValue<string>() == path.FamilyId.ToString()));

        // The reminders are shown: the intake's two (nobody is named yet) to the family's social worker, none to another agency.
        await WaitFor(async () => (await session.LoadAsync<Reminder>(urgencyKey)) is null ? null : "raised");
        var mine = (await (await path.SocialWork.GetAsync("/api/reminders?limit=200")).Ok()).AsArray()
            .Where(r => r!["familyId"]!.GetValue<string>() == path.FamilyId.ToString()).ToList();
        Assert.Equal(["urgency-assessment", "assessment-decision"], mine.Select(r => r!["kind"]!.GetValue<string>()));
        Assert.All(mine, r => Assert.Null(r!["responsibleId"]));
        var psychiatrist = host.ClientFor(Caller.Psychiatrist());
        Assert.DoesNotContain((await (await psychiatrist.GetAsync("/api/reminders?limit=200")).Ok()).AsArray(),
            r => r!["familyId"]!.GetValue<string>() == path.FamilyId.ToString());
        await (await host.ClientFor(Caller.Auditor()).GetAsync("/api/reminders")).Problem(HttpStatusCode.Forbidden);
        await (await path.SocialWork.GetAsync("/api/reminders?limit=0")).Problem(HttpStatusCode.BadRequest);
        await (await path.SocialWork.GetAsync("/api/reminders?cursor=nonsense")).Problem(HttpStatusCode.BadRequest);

        // Once the urgency deadline is met, its reminder waits for nobody: the write that met it removed it.
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/urgency",
            new { urgent = false, assessedAt = Iso(DateTimeOffset.UtcNow), reasoning = "Assessed late." })).Ok();
        Assert.Null(await session.LoadAsync<Reminder>(urgencyKey));
        mine = (await (await path.SocialWork.GetAsync("/api/reminders?limit=200")).Ok()).AsArray()
            .Where(r => r!["familyId"]!.GetValue<string>() == path.FamilyId.ToString()).ToList();
        Assert.Equal(["assessment-decision"], mine.Select(r => r!["kind"]!.GetValue<string>()));
        // The decision deadline is now the urgency assessor's, and the reminder follows it.
        Assert.Equal(path.SocialWorker.Id, mine[0]!["responsibleId"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_concern_recorded_after_its_deadlines_passed_records_their_misses_from_the_moment_each_passed()
    {
        // Received Thu 1 Oct 2026 and recorded only now: urgency was due that day, the decision on Mon 12 Oct.
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern(receivedAt: "2026-10-01T09:00:00+03:00");

        var events = await host.EventsOf(path.SocialWorker.Org, path.FamilyId);
        var misses = events.Where(e => e.Data is DeadlineMissed).ToList();
        Assert.Equal(4, events.Count); // registered, then the concern and both misses in the concern's own write
        Assert.Equal(2, misses.Count);
        var urgency = (DeadlineMissed)misses.Single(e => ((DeadlineMissed)e.Data).Kind == DeadlineKind.UrgencyAssessment).Data;
        var decision = (DeadlineMissed)misses.Single(e => ((DeadlineMissed)e.Data).Kind == DeadlineKind.AssessmentDecision).Data;
        Assert.Equal(new DateOnly(2026, 10, 1), urgency.DueDate);
        Assert.Equal(At("2026-10-02T00:00:00+03:00"), urgency.OccurredAt);
        Assert.Equal(new DateOnly(2026, 10, 12), decision.DueDate);
        Assert.Equal(At("2026-10-13T00:00:00+03:00"), decision.OccurredAt);
        Assert.All(misses, m => Assert.Equal(Identity.Agency.System, ((DeadlineMissed)m.Data).By.Agency));

        // The scheduler's checks, due long ago, run at once and raise the reminder without recording the miss again.
        await using var session = host.Store.QuerySession(path.SocialWorker.Org);
        var reminder = await WaitFor(() => session.LoadAsync<Reminder>(DeadlineRules.Key(DeadlineKind.AssessmentDecision, path.ConcernId)),
            TimeSpan.FromSeconds(45));
        Assert.Equal(new DateOnly(2026, 10, 12), reminder.DueDate);
        Assert.Equal(2, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count(e => e.Data is DeadlineMissed));
    }

    [Fact]
    public async Task a_decision_made_after_its_deadline_is_met_late_by_its_working_days_and_listed_so()
    {
        // Received Thu 1 Oct 2026 (decision due Mon 12 Oct), decided Tue 1 Dec 2026.
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern(receivedAt: "2026-10-01T09:00:00+03:00");
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/urgency",
            new { urgent = false, assessedAt = "2026-10-01T10:00:00+03:00", reasoning = "Assessed the same day." })).Ok();
        var decided = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/decision",
            new { decision = "start-assessment", decidedAt = "2026-12-01T10:00:00+02:00" })).Ok(HttpStatusCode.Created);
        // Three months from the receipt: 1 Jan 2027 is New Year's Day, 2-3 Jan a weekend, so Mon 4 Jan 2027.
        Assert.Equal("2027-01-04", decided["completionDue"]!.GetValue<string>());

        var picture = await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        Assert.Equal("met", Deadline(picture, "urgency-assessment")["state"]!.GetValue<string>());
        var decision = Deadline(picture, "assessment-decision");
        Assert.Equal("met-late", decision["state"]!.GetValue<string>());
        Assert.Equal("2026-12-01", decision["metOn"]!.GetValue<string>());
        // Working days 13 Oct .. 1 Dec 2026, counted on a calendar: Oct 13-16 (4), 19-23, 26-30, Nov 2-6, 9-13, 16-20,
        // 23-27 (5 each: 34), Mon 30 Nov and Tue 1 Dec (36). All Saints' Day, Sat 31 Oct, falls on a weekend.
        Assert.Equal(36, decision["workingDaysLate"]!.GetValue<int>());
        Assert.Null(Deadline(picture, "urgency-assessment")["workingDaysLate"]);
        Assert.Equal("2027-01-04", Deadline(picture, "assessment-completion")["dueDate"]!.GetValue<string>());
        Assert.Equal(path.SocialWorker.Id, decision["responsibleId"]!.GetValue<string>()); // who assessed the urgency took it up

        // Its miss is a fact from the moment it passed, although nothing had recorded it before the late decision.
        var missed = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Select(e => e.Data).OfType<DeadlineMissed>()
            .Single(m => m.Kind == DeadlineKind.AssessmentDecision);
        Assert.Equal(At("2026-10-13T00:00:00+03:00"), missed.OccurredAt);

        var late = (await (await path.SocialWork.GetAsync("/api/deadlines?state=met-late&limit=200")).Ok()).AsArray();
        var listed = Assert.Single(late, d => d!["familyId"]!.GetValue<string>() == path.FamilyId.ToString());
        Assert.Equal(36, listed!["workingDaysLate"]!.GetValue<int>());
        var met = (await (await path.SocialWork.GetAsync("/api/deadlines?state=met&limit=200")).Ok()).AsArray()
            .Where(d => d!["familyId"]!.GetValue<string>() == path.FamilyId.ToString()).Select(d => d!["kind"]!.GetValue<string>());
        Assert.Equal(["urgency-assessment"], met);
    }

    [Fact]
    public async Task a_decision_recorded_late_but_made_in_time_meets_its_deadline()
    {
        // Received Thu 1 Oct 2026, decided Mon 5 Oct (in time), both recorded only now.
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern(receivedAt: "2026-10-01T09:00:00+03:00");
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/urgency",
            new { urgent = false, assessedAt = "2026-10-01T10:00:00+03:00", reasoning = "Assessed the same day." })).Ok();
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/decision",
            new { decision = "start-assessment", decidedAt = "2026-10-05T10:00:00+03:00" })).Ok(HttpStatusCode.Created);

        var picture = await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();

        Assert.Equal("met", Deadline(picture, "urgency-assessment")["state"]!.GetValue<string>());
        Assert.Equal("met", Deadline(picture, "assessment-decision")["state"]!.GetValue<string>());
        // The three months run from the day the matter became pending (1 Oct), not from the decision (5 Oct): 1 Jan 2027
        // is a holiday and 2-3 Jan a weekend.
        Assert.Equal("2027-01-04", Deadline(picture, "assessment-completion")["dueDate"]!.GetValue<string>());
        Assert.Equal("2027-01-04", picture["assessment"]!["completionDue"]!.GetValue<string>());
    }

    [Fact]
    public async Task the_deadline_list_filters_by_state_and_shows_only_related_families_to_other_agencies()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        var strangerFamily = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        await strangerFamily.WithConcern();

        var open = (await (await path.SocialWork.GetAsync("/api/deadlines?state=open")).Ok()).AsArray();
        var met = (await (await path.SocialWork.GetAsync("/api/deadlines?state=met")).Ok()).AsArray();
        Assert.Contains(open, d => d!["familyId"]!.GetValue<string>() == path.FamilyId.ToString()
                                   && d["kind"]!.GetValue<string>() == "assessment-completion"
                                   && d["responsibleId"]!.GetValue<string>() == path.SocialWorker.Id);
        Assert.Contains(met, d => d!["familyId"]!.GetValue<string>() == path.FamilyId.ToString() && d["kind"]!.GetValue<string>() == "assessment-decision");
        Assert.DoesNotContain(open, d => d!["state"]!.GetValue<string>() is "met" or "overdue");

        await path.Invite("family-work");
        var familyWorker = host.ClientFor(Caller.FamilyWorker());
        var seen = (await (await familyWorker.GetAsync("/api/deadlines")).Ok()).AsArray();
        Assert.Contains(seen, d => d!["familyId"]!.GetValue<string>() == path.FamilyId.ToString());
        Assert.DoesNotContain(seen, d => d!["familyId"]!.GetValue<string>() == strangerFamily.FamilyId.ToString());

        var foreign = (await (await host.ClientFor(Caller.SocialWorker(Orgs.Uusimaa)).GetAsync("/api/deadlines")).Ok()).AsArray();
        Assert.Empty(foreign);
    }

    [Fact]
    public async Task an_unknown_state_filter_is_400_and_an_auditor_is_403()
    {
        var worker = host.ClientFor(Caller.SocialWorker());
        var problem = await (await worker.GetAsync("/api/deadlines?state=late")).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["state"]);
        await (await worker.GetAsync("/api/deadlines?days=-1")).Problem(HttpStatusCode.BadRequest);
        await (await host.ClientFor(Caller.Auditor()).GetAsync("/api/deadlines")).Problem(HttpStatusCode.Forbidden);
    }

    private async Task<List<DateTimeOffset>> ScheduledChecks()
    {
        await using var connection = new NpgsqlConnection(await PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select execution_time from \"{host.Schema}\".wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%check_deadline%' or (status = 'Scheduled' and message_type like '%CheckDeadline%')",
            connection);
        var times = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            times.Add(new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero));
        }
        return times;
    }

    private static async Task<T> WaitFor<T>(Func<Task<T?>> probe, TimeSpan? timeout = null) where T : class
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < until, "Timed out waiting.");
            await Task.Delay(200);
        }
    }

    private static JsonNode Deadline(JsonNode picture, string kind) =>
        picture["deadlines"]!.AsArray().First(d => d!["kind"]!.GetValue<string>() == kind)!;
}
