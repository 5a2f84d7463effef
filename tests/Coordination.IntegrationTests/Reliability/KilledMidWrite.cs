using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.Assessment;
using Coordination.Benchmarks;
using Coordination.Hosting;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.SchoolSender;
using Coordination.SituationalPicture;
using Marten;
using Npgsql;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// The service process is killed (SIGKILL) while agencies write and a school system sends, then started again on the
/// same database: every acknowledged write is there once, nothing refused is there, no stream has a gap, every
/// picture equals a fresh fold of its stream, accepted school messages are processed, and deadline checks that fell due
/// while it was down are handled.
/// </summary>
public sealed class KilledMidWrite
{
    private enum Outcome { Acknowledged, Refused, Unknown }

    [Fact(Timeout = 240000)]
    public async Task Nothing_acknowledged_is_lost_and_nothing_refused_is_half_there_after_a_SIGKILL()
    {
        var connectionString = await PostgresServer.ConnectionString;
        var schema = "t_killed_" + Guid.NewGuid().ToString("N")[..8];
        var key = RandomNumberGenerator.GetBytes(32);
        var schoolKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var outcomes = new ConcurrentDictionary<string, (Outcome Outcome, Guid FamilyId)>();
        var messages = new ConcurrentDictionary<string, Outcome>();
        var families = new List<(Guid FamilyId, Guid AssessmentId, List<Guid> Children)>();
        long scheduledChecks;

        await using (var first = await ServiceUnderTest.StartAsync(connectionString, schema, key, schoolKey))
        {
            var seeding = new Seeding(first);
            foreach (var family in await seeding.FamiliesAsync(4, 2))
            {
                families.Add((family.FamilyId, family.AssessmentId, [.. family.ChildIds]));
            }
            using var admin = first.ClientFor("adm-kill", "social-work", "admin");
            (await admin.PostAsJsonAsync("/api/integrations/school-welfare/senders", new { senderId = "kill-school", name = "Koulu", secret })).EnsureSuccessStatusCode();
            var pupil = SchoolIntake.PersonId(7);
            (await seeding.SocialWork.PostAsJsonAsync("/api/families", new
            {
                children = new[] { new { personId = pupil, name = "Oppilas", birthDate = "2014-01-01" } },
                guardians = new[] { new { name = "Huoltaja", relation = "mother", birthDate = "1985-03-04" } },
            })).EnsureSuccessStatusCode();
            scheduledChecks = await ScheduledChecksAsync(connectionString, schema);
            Assert.True(scheduledChecks > 0);

            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var (familyId, assessmentId, children) = families[(w + i) % families.Count];
                    var marker = $"kill-{w}-{i}-{Guid.NewGuid():N}";
                    outcomes[marker] = (Outcome.Unknown, familyId);
                    try
                    {
                        using var response = await seeding.SocialWork.PostAsJsonAsync($"/api/families/{familyId}/assessments/{assessmentId}/contributions",
                            new { childIds = children, summary = marker, category = "general", legalBasis = "own-agency" });
                        outcomes[marker] = (response.StatusCode == HttpStatusCode.Created ? Outcome.Acknowledged : Outcome.Refused, familyId);
                    }
                    catch (HttpRequestException)
                    {
                        return; // the process is gone: this write's fate is unknown to its sender
                    }
                }
            })).ToList();
            var sender = new SchoolWelfareSender(new HttpClient { BaseAddress = first.Address }, "kill-school", secret);
            var schoolSends = Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var id = $"kill-msg-{i}";
                    messages[id] = Outcome.Unknown;
                    try
                    {
                        using var response = await sender.SendAsync(SchoolMessage(id, pupil));
                        messages[id] = response.StatusCode == HttpStatusCode.Accepted ? Outcome.Acknowledged : Outcome.Refused;
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            });

            await Task.Delay(TimeSpan.FromSeconds(2));
            await first.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll([.. writers, schoolSends]);
        }

        var acknowledged = outcomes.Where(o => o.Value.Outcome == Outcome.Acknowledged).ToList();
        Assert.True(acknowledged.Count >= 10, $"only {acknowledged.Count} writes were acknowledged before the kill");
        Assert.DoesNotContain(outcomes.Values, o => o.Outcome == Outcome.Refused);

        // While the service was down its deadline checks fell due (pulled forward here, as the passing days would):
        // the restarted service must find them in the durable inbox and handle them.
        var due = await RecordChecks.PullScheduledChecksForwardAsync(connectionString, schema);
        Assert.NotEmpty(due);

        await using var second = await ServiceUnderTest.StartAsync(connectionString, schema, key, schoolKey);
        using var store = DocumentStore.For(o => Storage.ConfigureMarten(o, connectionString, schema));
        await using var session = store.QuerySession(Seeding.Org);
        var written = new Dictionary<string, int>();
        foreach (var (familyId, _, _) in families)
        {
            var events = await session.Events.FetchStreamAsync(familyId);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version)); // gapless
            foreach (var summary in events.Select(e => e.Data).OfType<ContributionRecorded>().Select(c => c.Summary))
            {
                written[summary] = written.GetValueOrDefault(summary) + 1;
            }
            // Every fact has its read model: the picture kept inline equals a fresh fold of the stream.
            await RecordChecks.AssertPictureIsAFreshFoldAsync(store, session, familyId, events);
        }
        Assert.All(acknowledged, a => Assert.Equal(1, written.GetValueOrDefault(a.Key)));
        var ours = written.Where(w => w.Key.StartsWith("kill-", StringComparison.Ordinal)).ToList();
        Assert.All(ours, w => Assert.Equal(1, w.Value)); // also an unknown write is there once or not at all
        Assert.All(ours, w => Assert.True(outcomes.ContainsKey(w.Key)));

        // Accepted school messages are processed by the restarted service; scheduled deadline checks are still waiting.
        var reader = new SchoolWelfareSender(new HttpClient { BaseAddress = second.Address }, "kill-school", secret);
        foreach (var id in messages.Where(m => m.Value == Outcome.Acknowledged).Select(m => m.Key))
        {
            Assert.Equal("processed", (await SchoolWelfare.SchoolSystem.SettledAsync(reader, id, seconds: 60))["status"]!.GetValue<string>());
        }
        // Each check that fell due was handled (its envelope is marked Handled): the deadline is not yet past by the real
        // clock, so the handler scheduled it again for its day (a new envelope), as it does for a check delivered early.
        for (var waited = 0; await RecordChecks.UnhandledAsync(connectionString, schema, due) > 0; waited++)
        {
            Assert.True(waited < 600, "deadline checks that fell due while the service was down were not handled within 60 s");
            await Task.Delay(100);
        }
        var open = 0;
        foreach (var (familyId, _, _) in families)
        {
            var family = await session.Events.AggregateStreamAsync<Coordination.Families.Family>(familyId);
            open += family!.Deadlines.Values.Count(d => d.MetOn is null && !d.MissedRecorded);
        }
        Assert.True(open > 0);
        Assert.True(await ScheduledChecksAsync(connectionString, schema) >= open, "an open deadline lost its check");
        SuiteFigures.WritesVerified(acknowledged.Count + messages.Count(m => m.Value == Outcome.Acknowledged));
        SuiteFigures.FaultSurvived("service process killed (SIGKILL) under load");
    }

    private static byte[] SchoolMessage(string messageId, string personId) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        messageId, schemaVersion = "1.0", type = "welfare-status", sentAt = DateTimeOffset.UtcNow.AddSeconds(-5),
        pupil = new { personId, name = "Oppilas", birthDate = "2014-01-01" }, school = new { id = "s", name = "Koulu" },
        payload = new { status = "support-continues" }, legalBasis = "atl-64",
    }, HttpExtensions.Web));

    private static async Task<long> ScheduledChecksAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*) from {schema}.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%CheckDeadline%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
