using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SystemicTeams;
using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace Coordination.IntegrationTests.Audit;

/// <summary>
/// A replay from snapshots answers exactly what the full fold of the whole stream answers. Families grown through the API
/// over weeks of a test clock (back-dated contributions, consents given and withdrawn, systemic discussions, children added),
/// each spanning several snapshots, are replayed at random moments (seeded; the seed and the exact moments are in every
/// failure, and REPLAY_SEED makes the same choices again, at the new run's times): the three folds through the store, and
/// the answer and its access-log entries through HTTP. The oracle is
/// <see cref="PictureReplay.Fold(IEnumerable{IEvent}, DateTimeOffset?, DateTimeOffset?)"/> over the whole fetched stream.
/// </summary>
public sealed class ReplayFromSnapshots(ClockedHost host) : IClassFixture<ClockedHost>
{
    private static string T(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(T(t));

    private sealed record Grown(StatutoryPath Path, IReadOnlyList<IEvent> Events);

    [Fact(Timeout = 600000)]
    public async Task a_replay_from_snapshots_equals_the_full_fold_at_every_moment()
    {
        var seed = Environment.GetEnvironmentVariable("REPLAY_SEED") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        TestContext.Current.SendDiagnosticMessage($"ReplayFromSnapshots seed {seed}");
        var rng = new Random(seed);
        try
        {
            host.Clock.SetTo(DateTimeOffset.UtcNow.AddDays(-75));
            var team = await TeamScenario.FormedAsync(host);
            var families = new List<Grown>();
            foreach (var steps in new[] { 110, 150, 130 })
            {
                families.Add(await GrowAsync(team, rng, steps));
            }
            host.Clock.Reset();
            foreach (var family in families)
            {
                Assert.True(family.Events.Count >= 2 * PictureSnapshots.Every, $"seed {seed}: only {family.Events.Count} facts");
            }

            // A snapshot of another fold (older code) is never used, whatever it says, and the next extension deletes it.
            await PlantStaleSnapshotAsync(families[0].Path.FamilyId);

            var auditor = Caller.Auditor();
            var viewers = new[] { (auditor, AsProfessional(auditor, Agency.Audit, Role.Auditor)),
                (team.Worker, AsProfessional(team.Worker, Agency.SocialWork, Role.Caseworker, Role.ResponsibleSocialWorker)) };
            var compared = 0;
            for (var i = 0; i < 240; i++)
            {
                var family = families[i % families.Count];
                var (asOf, knownAt) = (Pick(rng, family.Events), Pick(rng, family.Events));
                var where = $"seed {seed}, point {i}, family {family.Path.FamilyId}, asOf {(asOf is { } a ? T(a) : "null")}, knownAt {(knownAt is { } k ? T(k) : "null")}";
                await CompareFoldsAsync(family, asOf, knownAt, where);
                if (i % 3 == 0 && (asOf is not null || knownAt is not null))
                {
                    var (caller, professional) = viewers[i / 3 % viewers.Length];
                    await CompareAnswerAsync(family, caller, professional, asOf, knownAt, where);
                }
                compared++;
            }
            TestContext.Current.SendDiagnosticMessage($"ReplayFromSnapshots: {compared} moments over {string.Join("+", families.Select(f => f.Events.Count))} facts");

            await using (var session = host.Store.QuerySession(Orgs.Pirkanmaa))
            {
                var snapshots = await session.Query<PictureSnapshot>().ToListAsync();
                Assert.DoesNotContain(snapshots, s => s.Fold != PictureSnapshots.Fold);
                foreach (var family in families)
                {
                    Assert.Equal(family.Events.Count / PictureSnapshots.Every, snapshots.Count(s => s.FamilyId == family.Path.FamilyId));
                }
            }
            await TheSnapshotsAreWhatIsReadAsync(families[1]);
        }
        finally
        {
            host.Clock.Reset();
        }
    }

    /// <summary>The three folds of the replay, through the real store, against the full folds of the whole stream.</summary>
    private async Task CompareFoldsAsync(Grown family, DateTimeOffset? asOf, DateTimeOffset? knownAt, string where)
    {
        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var replayed = await SnapshotReplay.ReplayAsync(host.Store, session, family.Path.FamilyId, asOf, knownAt, CancellationToken.None);
        Same(PictureReplay.Fold(family.Events, asOf, knownAt), replayed.Picture, "picture", where);
        Same(PictureReplay.Fold(family.Events, null, knownAt), replayed.AsRecorded, "picture as recorded", where);
        Same(PictureReplay.FoldSystemicRecord(family.Events, asOf, knownAt), replayed.Systemic, "systemic record", where);
    }

    /// <summary>
    /// The answer through HTTP against the view the replay built before snapshots (the full folds through the same sharing
    /// cut), and every use and disclosure entry that view would have logged.
    /// </summary>
    private async Task CompareAnswerAsync(Grown family, Caller caller, Professional viewer, DateTimeOffset? asOf, DateTimeOffset? knownAt, string where)
    {
        var familyId = family.Path.FamilyId;
        var expected = PictureReplay.Fold(family.Events, asOf, knownAt);
        var query = string.Join("&", new[] { asOf is { } a ? $"asOf={Q(a)}" : null, knownAt is { } k ? $"knownAt={Q(k)}" : null }.OfType<string>());
        var logged = await LogCount(caller.Id);
        var response = await host.ClientFor(caller).GetAsync($"/api/families/{familyId}/picture?{query}");
        if (expected is null)
        {
            await response.Problem(HttpStatusCode.NotFound);
            Assert.True(await LogCount(caller.Id) == logged, $"{where}: a replay of nothing logged something");
            return;
        }
        var body = await response.Ok();

        var moment = new[] { asOf, knownAt }.Where(m => m is not null).Min()!.Value;
        var ceasing = (PictureReplay.Fold(family.Events, null, knownAt)?.Consents ?? []).ToDictionary(c => c.ConsentId, c => c.Until());
        var readable = PictureViews.Readable(viewer, expected, moment, ceasing).ToHashSet();
        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var contents = readable.Count == 0 ? [] : (await session.LoadManyAsync<ContributionContent>(readable)).ToDictionary(c => c.Id);
        var viewed = PictureViews.For(viewer, expected, moment, contents, PictureReplay.FoldSystemicRecord(family.Events, asOf, knownAt), ceasing);

        var want = JsonSerializer.SerializeToNode(viewed.View, Coordination.Hosting.Json.Options)!;
        Assert.True(JsonNode.DeepEquals(want, body), $"{where}, as {caller.Agency}: the answer differs\nwant {want.ToJsonString()}\ngot  {body.ToJsonString()}");
        var entries = 1 + viewed.Disclosures(viewer, familyId, "audit").Count();
        Assert.True(logged + entries == await LogCount(caller.Id), $"{where}, as {caller.Agency}: {entries} log entries expected");
    }

    private void Same(object? expected, object? actual, string what, string where)
    {
        var serializer = host.Store.Options.Serializer();
        var (want, got) = (expected is null ? "null" : serializer.ToJson(expected), actual is null ? "null" : serializer.ToJson(actual));
        if (want != got)
        {
            var at = Enumerable.Range(0, Math.Min(want.Length, got.Length)).FirstOrDefault(i => want[i] != got[i], Math.Min(want.Length, got.Length));
            Assert.Fail($"{where}: the {what} differs at {at}\nwant …{want[Math.Max(0, at - 200)..Math.Min(want.Length, at + 200)]}\ngot  …{got[Math.Max(0, at - 200)..Math.Min(got.Length, at + 200)]}");
        }
    }

    /// <summary>Null, a fact's time exactly (when it happened or was recorded), a microsecond before one, between two, or anywhere.</summary>
    private static DateTimeOffset? Pick(Random rng, IReadOnlyList<IEvent> events)
    {
        var times = events.SelectMany(e => new[] { e.Timestamp, e.Data is IFamilyEvent fact ? fact.OccurredAt : e.Timestamp }).Distinct().Order().ToList();
        var i = rng.Next(times.Count);
        return rng.Next(10) switch
        {
            0 or 1 => null,
            2 or 3 or 4 => times[i],
            5 => times[i].AddTicks(-10),
            6 or 7 => i + 1 < times.Count ? times[i] + ((times[i + 1] - times[i]) / 2) : times[i].AddHours(1),
            _ => times[0].AddDays(-1) + ((times[^1] - times[0] + TimeSpan.FromDays(2)) * rng.NextDouble()),
        };
    }

    /// <summary>
    /// One family of the team: registered, a concern received days before, an assessment; then facts one request at a time,
    /// the clock moving on between them, many about earlier days.
    /// </summary>
    private async Task<Grown> GrowAsync(TeamScenario team, Random rng, int steps)
    {
        var clock = host.Clock;
        var path = await new StatutoryPath(host, team.Worker).Registered(children: 1);
        var sw = path.SocialWork;
        var f = $"/api/families/{path.FamilyId}";
        var guardian = Guid.Parse((await (await sw.GetAsync($"{f}/picture")).Ok())["guardians"]![0]!["id"]!.GetValue<string>());
        clock.Advance(TimeSpan.FromHours(1));
        await path.WithConcern(receivedAt: T(clock.GetUtcNow().AddDays(-3)));
        await (await sw.PostJson($"{f}/concerns/{path.ConcernId}/urgency",
            new { urgent = false, assessedAt = T(clock.GetUtcNow().AddDays(-3).AddHours(2)), reasoning = "Not urgent." })).Ok();
        var decided = await (await sw.PostJson($"{f}/concerns/{path.ConcernId}/decision",
            new { decision = "start-assessment", decidedAt = T(clock.GetUtcNow().AddDays(-2)), childAndGuardianInformedAt = T(clock.GetUtcNow().AddDays(-2)) }))
            .Ok(HttpStatusCode.Created);
        var assessmentId = decided["assessmentId"]!.GetValue<string>();
        var assessmentStarted = clock.GetUtcNow().AddDays(-2);
        await (await team.Allocate(path.FamilyId, team.Worker.Id)).Ok();
        var invitation = (await (await sw.PostJson($"{f}/assessments/{assessmentId}/invitations",
            new { agency = "family-work", question = "How is the family doing at home?" })).Ok(HttpStatusCode.Created))["invitationId"]!.GetValue<string>();
        var familyWorker = host.ClientFor(Caller.FamilyWorker());
        var consents = new List<(string Id, DateTimeOffset GivenAt)>();
        var hypotheses = new List<string>();
        var actions = new List<(string Id, DateTimeOffset AgreedAt)>();
        var note = string.Concat(Enumerable.Repeat("Seen at home; the kitchen was empty and the mother exhausted. ", 8));

        for (var step = 0; step < steps; step++)
        {
            clock.Advance(TimeSpan.FromMinutes(10 + rng.Next(6 * 60)));
            var now = clock.GetUtcNow();
            var back = TimeSpan.FromHours(rng.NextDouble() < 0.3 ? rng.Next(20 * 24) : rng.Next(3)); // some facts are about weeks ago
            var roll = rng.Next(100);
            if (roll < 35)
            {
                await Created(sw.PostJson($"{f}/assessments/{assessmentId}/contributions", new
                {
                    childIds = path.ChildIds, summary = $"Visit {step}.", observations = note, category = "general", legalBasis = "own-agency",
                    occurredAt = T(now - back),
                }));
            }
            else if (roll < 50)
            {
                await Created(familyWorker.PostJson($"{f}/assessments/{assessmentId}/contributions", new
                {
                    invitationId = invitation, childIds = path.ChildIds, summary = $"Family work {step}.", observations = note,
                    category = "general", legalBasis = "atl-64", occurredAt = T(now - back),
                }));
            }
            else if (roll < 60)
            {
                var givenAt = now - TimeSpan.FromHours(rng.Next(48));
                var given = await Created(sw.PostJson($"{f}/consents", new
                {
                    givenBy = guardian, recipients = rng.Next(2) == 0 ? new[] { "family-work" } : ["family-work", "school-welfare"],
                    dataCategories = new[] { "assessment-contributions" }, purpose = "service-need-assessment",
                    validUntil = TeamScenario.Day(now.AddDays(rng.Next(1, 30))), givenAt = T(givenAt),
                }));
                consents.Add((given["consentId"]!.GetValue<string>(), givenAt));
            }
            else if (roll < 68 && consents.Count > 0)
            {
                var consent = consents[rng.Next(consents.Count)];
                consents.Remove(consent);
                var at = consent.GivenAt + ((now - consent.GivenAt) * rng.NextDouble()); // sometimes long after it was given
                await (await sw.PostJson($"{f}/consents/{consent.Id}/withdrawal", new { withdrawnAt = T(at), reason = "No longer agrees." })).Ok();
            }
            else if (roll < 84)
            {
                object[] hypothesis = hypotheses.Count > 0 && rng.Next(2) == 0
                    ? [new { hypothesisId = hypotheses[rng.Next(hypotheses.Count)], text = $"Revised {step}.", status = "supported", evidence = new[] { new { familyVersion = 1L } } }]
                    : [new { text = $"Hypothesis {step}.", status = "proposed", evidence = new[] { new { familyVersion = 1L } } }];
                object[]? action = rng.Next(3) == 0 ? [new { description = $"Call the school ({step}).", ownerId = team.Worker.Id, dueBy = TeamScenario.Day(now.AddDays(7)) }] : null;
                var heldAt = now - TimeSpan.FromHours(rng.Next(72));
                var discussed = await team.Discuss(path.FamilyId, hypotheses: hypothesis, actions: action, reflections: $"Round {step}.", heldAt: heldAt);
                hypotheses.AddRange(discussed["hypotheses"]!.AsArray().Select(h => h!["hypothesisId"]!.GetValue<string>()).Where(h => !hypotheses.Contains(h)));
                actions.AddRange(discussed["actionIds"]!.AsArray().Select(a => (a!.GetValue<string>(), heldAt)));
            }
            else if (roll < 88 && actions.Count > 0)
            {
                var agreed = actions[rng.Next(actions.Count)];
                actions.Remove(agreed);
                await (await sw.PostJson($"{f}/actions/{agreed.Id}/completion", new { completedAt = T(now), note = "Done." })).Ok();
            }
            else if (roll < 94)
            {
                await Created(sw.PostJson($"{f}/assessments/{assessmentId}/child-hearings", new
                {
                    childId = path.ChildIds[0], heardAt = T(Max(now - back, assessmentStarted)), method = "in-person", views = $"Wants to stay at home ({step}).",
                }));
            }
            else if (roll < 97)
            {
                await Created(sw.PostJson($"{f}/children", new { personId = TestPeople.Born(2019, 3, 1 + rng.Next(9)), name = $"Lapsi {step}" }));
            }
            else
            {
                await Created(sw.PostJson($"{f}/assessments/{assessmentId}/invitations", new { agency = "school-welfare", question = $"Question {step}?" }));
            }
        }

        return new Grown(path, await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static async Task<JsonNode> Created(Task<HttpResponseMessage> request) => await (await request).Ok(HttpStatusCode.Created);

    private static Professional AsProfessional(Caller caller, Agency agency, params Role[] roles) =>
        new(caller.Id, caller.Name, caller.Org, agency, roles.ToHashSet());

    private async Task<long> LogCount(string professionalId)
    {
        await using var connection = host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {host.Schema}.access_log where professional_id = @p", connection);
        command.Parameters.AddWithValue("p", professionalId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task PlantStaleSnapshotAsync(Guid familyId)
    {
        await using var session = host.Store.LightweightSession(Orgs.Pirkanmaa);
        var wrong = new FamilyPicture { Id = familyId, Municipality = "stale" };
        foreach (var version in new long[] { PictureSnapshots.Every, 2 * PictureSnapshots.Every })
        {
            var id = PictureSnapshots.IdOf(familyId, "older-code", version);
            session.Store(new PictureSnapshot
            {
                Id = id, FamilyId = familyId, Fold = "older-code", Version = version, LatestOccurredAt = DateTimeOffset.MinValue,
                LatestRecordedAt = DateTimeOffset.MinValue, EarliestOccurredAt = DateTimeOffset.MaxValue, EarliestRecordedAt = DateTimeOffset.MaxValue,
            });
            session.Store(new PictureSnapshotState { Id = id, FamilyId = familyId, Fold = "older-code", Picture = wrong });
        }
        await session.SaveChangesAsync();
    }

    /// <summary>The test above is not vacuous: a replay at a moment after the first snapshot starts from that snapshot's state.</summary>
    private async Task TheSnapshotsAreWhatIsReadAsync(Grown family)
    {
        var id = PictureSnapshots.IdOf(family.Path.FamilyId, PictureSnapshots.Fold, PictureSnapshots.Every);
        await using (var session = host.Store.LightweightSession(Orgs.Pirkanmaa))
        {
            var state = (await session.LoadAsync<PictureSnapshotState>(id))!;
            state.Picture!.Municipality = "read from the snapshot";
            session.Store(state);
            await session.SaveChangesAsync();
        }
        var last = family.Events[^1].Timestamp.ToOffset(TimeSpan.FromHours(3)); // Helsinki summer time: the store bounds its reads in UTC
        var picture = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{family.Path.FamilyId}/picture?knownAt={Q(last)}")).Ok();
        Assert.Equal("Tampere", picture["municipality"]!.GetValue<string>()); // from the newest snapshot, which is usable here
        var early = family.Events[PictureSnapshots.Every + 1].Timestamp;
        var known = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{family.Path.FamilyId}/picture?knownAt={Q(early)}")).Ok();
        Assert.Equal("read from the snapshot", known["municipality"]!.GetValue<string>());
    }
}
