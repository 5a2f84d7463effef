using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine.Runtime;

namespace Coordination.IntegrationTests.SchoolWelfare;

/// <summary>The service with short waits: a lock is given up after 200 ms, and a failing message is retried quickly.</summary>
public sealed class ImpatientHost : CoordinationHost
{
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Coordination", PostgresServer.ConnectionString.Result + ";Options=-c lock_timeout=200");
        builder.UseSetting("SchoolWelfare:ImmediateRetries:0", "00:00:00.05");
        builder.UseSetting("SchoolWelfare:ScheduledRetries:0", "00:00:00.2");
    }
}

/// <summary>A host on a schema the test names, so a second host can start where the first stopped.</summary>
public sealed class RestartableHost(string schema) : CoordinationHost
{
    protected override string SchemaName => schema;
}

public sealed class MessagesUnderFaults(ImpatientHost host) : IClassFixture<ImpatientHost>
{
    [Fact(Timeout = 180000)]
    public async Task A_message_that_keeps_failing_is_dead_lettered_with_its_reason_and_an_admin_replays_it_after_the_fix()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var pupil = TestPupil.New();
        var (familyId, _) = await pupil.RegisterFamilyAsync(host.ClientFor(Caller.SocialWorker()));
        var messageId = SchoolMessagesFor.NewId();

        // The fault: something else holds the family's stream (a long migration, a stuck session) through every retry.
        await using var hold = await RecordChecks.HoldStreamAsync(host.Schema, familyId);

        await school.AcceptedAsync(SchoolMessagesFor.WelfareConcern(pupil.PersonId, messageId));
        var status = await school.SettledAsync(messageId, until: "dead-lettered", seconds: 60);
        Assert.Contains("Processing failed", status["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(pupil.PersonId, status.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(pupil.PersonId, StringComparison.Ordinal));

        var admin = host.ClientFor(SchoolSystem.Admin());
        var dead = (await (await admin.GetAsync("/api/integrations/school-welfare/messages?status=dead-lettered")).Ok()).AsArray();
        Assert.Contains(dead, m => m!["messageId"]!.GetValue<string>() == messageId);
        await (await host.ClientFor(Caller.SocialWorker()).GetAsync("/api/integrations/school-welfare/messages?status=dead-lettered"))
            .Problem(HttpStatusCode.Forbidden);
        var replay = $"/api/integrations/school-welfare/messages/{messageId}/replay?senderId={school.SenderId}";
        await (await host.ClientFor(Caller.SocialWorker()).PostAsync(replay, null)).Problem(HttpStatusCode.Forbidden);
        Assert.Empty(await host.EventsOf(Orgs.Pirkanmaa, familyId) is var before ? before.Where(e => e.Data is Coordination.Concerns.ConcernRaised) : []);

        // The fix: the lock is released. An admin replays; the message is processed once.
        await hold.DisposeAsync();
        (await (await admin.PostAsync(replay, null)).Ok(HttpStatusCode.Accepted))["status"]!.GetValue<string>();
        Assert.Equal("processed", (await school.SettledAsync(messageId, until: "processed", seconds: 60))["status"]!.GetValue<string>());
        Assert.Single(await host.EventsOf(Orgs.Pirkanmaa, familyId), e => e.Data is Coordination.Concerns.ConcernRaised);
        var again = await (await admin.PostAsync(replay, null)).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/not-dead-lettered", again["type"]!.GetValue<string>());
        SuiteFigures.FaultSurvived("school message processing failing through every retry, then replayed");
    }

    [Fact(Timeout = 180000)]
    public async Task A_message_accepted_just_before_the_service_stops_is_processed_after_it_starts_again()
    {
        var schema = "t_restart_" + Guid.NewGuid().ToString("N")[..8];
        var pupil = TestPupil.New();
        var messageId = SchoolMessagesFor.NewId();
        var message = SchoolMessagesFor.WelfareConcern(pupil.PersonId, messageId);
        SchoolSystem school;
        Guid familyId;
        await using (var first = new RestartableHost(schema))
        {
            await first.InitializeAsync();
            school = await SchoolSystem.RegisterAsync(first);
            (familyId, _) = await pupil.RegisterFamilyAsync(first.ClientFor(Caller.SocialWorker()));
            // Processing is held back, so that the stop comes between acceptance and processing.
            var runtime = first.Services.GetRequiredService<IWolverineRuntime>();
            var queue = (Wolverine.Transports.IListenerCircuit)runtime.Endpoints.GetOrBuildSendingAgent(new Uri("local://school-welfare"));
            await queue.PauseWithDrainAsync(TimeSpan.FromMinutes(10));

            await school.AcceptedAsync(message);
            await Task.Delay(500);
            Assert.Equal("received", (await school.StatusAsync(messageId))["status"]!.GetValue<string>());
        }

        await using var second = new RestartableHost(schema);
        await second.InitializeAsync();
        var restarted = new SchoolSystem { Host = second, SenderId = school.SenderId, Secret = school.Secret, Org = school.Org };
        var status = await restarted.SettledAsync(messageId, seconds: 60);
        Assert.Equal("processed", status["status"]!.GetValue<string>());
        // The same message sent again to the restarted service is a duplicate: the record outlives the process.
        Assert.Equal("duplicate", (await (await restarted.SendAsync(message)).Ok(HttpStatusCode.Accepted))["status"]!.GetValue<string>());
        await Task.Delay(300);
        Assert.Single(await second.EventsOf(Orgs.Pirkanmaa, familyId), e => e.Data is Coordination.Concerns.ConcernRaised);
        SuiteFigures.FaultSurvived("service stopped between accepting a school message and processing it");
    }
}
