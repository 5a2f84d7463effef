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
    }

    [Fact]
    public async Task the_scheduler_itself_records_a_deadline_that_was_already_past_when_the_concern_was_recorded()
    {
        // Wolverine's scheduler runs on real time, so this test does too.
        var receivedAt = DateTimeOffset.UtcNow.AddDays(-20);
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern(receivedAt: Iso(receivedAt));

        var events = await WaitFor(async () =>
        {
            var all = await host.EventsOf(path.SocialWorker.Org, path.FamilyId);
            return all.Count(e => e.Data is DeadlineMissed) == 2 ? all : null;
        }, TimeSpan.FromSeconds(45));

        Assert.Equal(2, events.Count(e => e.Data is DeadlineMissed));
    }

    [Fact]
    public async Task a_decision_recorded_late_but_made_in_time_meets_its_deadline()
    {
        var receivedAt = host.Clock.GetUtcNow().AddDays(-20);
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern(receivedAt: Iso(receivedAt));
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/urgency",
            new { urgent = false, assessedAt = Iso(receivedAt.AddHours(1)), reasoning = "Assessed the same day." })).Ok();
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/decision",
            new { decision = "start-assessment", decidedAt = Iso(receivedAt.AddDays(2)) })).Ok(HttpStatusCode.Created);

        var picture = await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();

        Assert.Equal("met", Deadline(picture, "urgency-assessment")["state"]!.GetValue<string>());
        Assert.Equal("met", Deadline(picture, "assessment-decision")["state"]!.GetValue<string>());
        // The three months run from the decision date, not from when it was recorded.
        Assert.Equal(DeadlineRules.CompletionDue(receivedAt.AddDays(2)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Deadline(picture, "assessment-completion")["dueDate"]!.GetValue<string>());
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
