using System.Net;
using System.Net.Http;
using Coordination.Assessment;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.SituationalPicture;
using Marten;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// Issue 9's concurrency case: a hundred writers of four agencies on one family at once, some with If-Match on the
/// version they read, some without, some sending their request twice under one Idempotency-Key.
/// </summary>
public sealed class ManyWritersOnOneFamily(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private sealed record Attempt(int Index, string Marker, HttpStatusCode Status, long? Version, string? ContributionId, string? Problem = null);

    [Fact(Timeout = 180000)]
    public async Task Every_acknowledged_write_is_there_once_every_refused_one_is_absent_and_the_picture_equals_a_fresh_fold()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 2);
        var writers = new List<(HttpClient Client, Guid? Invitation, string Basis)> { (path.SocialWork, null, "own-agency") };
        foreach (var (agency, caller) in new[] { ("child-psychiatry", Caller.Psychiatrist()), ("school-welfare", Caller.Kuraattori()), ("family-work", Caller.FamilyWorker()) })
        {
            writers.Add((host.ClientFor(caller), await path.Invite(agency), agency == "child-psychiatry" ? "atl-53-5" : "atl-64"));
        }
        var url = $"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions";
        var startVersion = (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count;

        using var go = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, 100).Select(async i =>
        {
            var (client, invitation, basis) = writers[i % writers.Count];
            var marker = $"writer-{i}-{Guid.NewGuid():N}";
            var body = new
            {
                invitationId = invitation, childIds = path.ChildIds, summary = marker, observations = "Seen at home.", category = "general",
                legalBasis = basis,
            };
            var key = i % 10 == 3 ? $"key-{marker}" : null;
            await go.WaitAsync();
            Task<HttpResponseMessage> Send() => client.PostJson(url, body, request =>
            {
                if (i % 3 == 0)
                {
                    request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{startVersion}\""));
                }
                if (key is not null)
                {
                    request.Headers.Add("Idempotency-Key", key);
                }
            });
            using var first = await Send();
            var answer = await Read(i, marker, first);
            if (key is not null && answer.Status == HttpStatusCode.Created)
            {
                using var again = await Send(); // the same request again: the first answer, nothing new written
                var replay = await Read(i, marker, again);
                Assert.Equal(answer.Version, replay.Version);
                Assert.Equal(answer.ContributionId, replay.ContributionId);
            }
            return answer;
        }).ToList();
        go.Release(100);
        var results = await Task.WhenAll(attempts);

        // Every answer is one the contract allows: 201, 412 for a stale If-Match, 503 for a lock waited on too long.
        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.PreconditionFailed or HttpStatusCode.ServiceUnavailable,
            $"writer {r.Index}: {(int)r.Status} {r.Problem}"));
        var acknowledged = results.Where(r => r.Status == HttpStatusCode.Created).ToList();
        var refused = results.Where(r => r.Status != HttpStatusCode.Created).ToList();
        Assert.True(acknowledged.Count >= 60, $"only {acknowledged.Count} of 100 writes went through");
        Assert.True(results.Count(r => r.Index % 3 == 0 && r.Status == HttpStatusCode.Created) <= 1, "at most one write can hold the version it read");

        var events = await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version)); // gapless
        Assert.Equal(startVersion + acknowledged.Count, events.Count);
        Assert.Equal(acknowledged.Select(a => a.Version).Distinct().Count(), acknowledged.Count);
        var recorded = events.Select(e => e.Data).OfType<ContributionRecorded>().GroupBy(c => c.Summary).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(acknowledged, a => Assert.Equal(1, recorded.GetValueOrDefault(a.Marker)));
        Assert.All(refused, r => Assert.False(recorded.ContainsKey(r.Marker), $"refused write {r.Index} ({r.Status}) is in the stream"));
        Assert.All(acknowledged, a => Assert.Equal(a.Marker, ((ContributionRecorded)events[(int)a.Version!.Value - 1].Data).Summary));

        // The picture kept inline through all of it equals a fresh aggregation of the stream.
        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        await RecordChecks.AssertPictureIsAFreshFoldAsync(host.Store, session, path.FamilyId, events);
        SuiteFigures.WritesVerified(acknowledged.Count);
    }

    private static async Task<Attempt> Read(int index, string marker, HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var problem = await response.Problem(response.StatusCode); // every refusal is a problem body
            return new Attempt(index, marker, response.StatusCode, null, null, problem.ToJsonString());
        }
        var body = await response.Json();
        return new Attempt(index, marker, response.StatusCode, body["version"]!.GetValue<long>(), body["contributionId"]!.GetValue<string>());
    }
}
