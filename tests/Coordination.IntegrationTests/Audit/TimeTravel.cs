using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Audit;

/// <summary>
/// What did the professionals know, and when? A concern received twenty days ago, recorded today; a contribution about a
/// meeting eight days ago, recorded after a marked moment. The picture at four (asOf, knownAt) combinations.
/// </summary>
public sealed class TimeTravel(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture));

    [Fact]
    public async Task the_picture_replays_what_had_happened_by_as_of_counting_only_what_was_recorded_by_known_at()
    {
        var now = DateTimeOffset.UtcNow;
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        await path.WithConcern(receivedAt: now.AddDays(-20).ToString("O", CultureInfo.InvariantCulture));
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/urgency",
            new { urgent = false, assessedAt = now.AddDays(-20).AddHours(1).ToString("O", CultureInfo.InvariantCulture), reasoning = "Not urgent." })).Ok();
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/decision",
            new { decision = "start-assessment", decidedAt = now.AddDays(-18).ToString("O", CultureInfo.InvariantCulture) })).Ok(HttpStatusCode.Created);
        var assessmentId = Guid.Parse((await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())
            ["assessment"]!["assessmentId"]!.GetValue<string>());
        await Task.Delay(50);
        var beforeContribution = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        var meeting = now.AddDays(-8);
        var contribution = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{assessmentId}/contributions", new
        {
            childIds = path.ChildIds, summary = "Met the family at the office.", category = "general", legalBasis = "own-agency",
            occurredAt = meeting.ToString("O", CultureInfo.InvariantCulture),
        })).Ok(HttpStatusCode.Created);
        var contributionId = contribution["contributionId"]!.GetValue<string>();
        var afterContribution = DateTimeOffset.UtcNow.AddSeconds(1);
        var auditor = host.ClientFor(Caller.Auditor());

        async Task<JsonNode> At(DateTimeOffset? asOf, DateTimeOffset? knownAt)
        {
            var query = string.Join("&", new[] { asOf is { } a ? $"asOf={Q(a)}" : null, knownAt is { } k ? $"knownAt={Q(k)}" : null }.OfType<string>());
            return await (await auditor.GetAsync($"/api/families/{path.FamilyId}/picture?{query}")).Ok();
        }
        static bool Shows(JsonNode picture, string id) =>
            picture["assessment"]?["contributions"]?.AsArray().Any(c => c!["contributionId"]!.GetValue<string>() == id) == true;

        // 1. Five days ago, as known before the contribution was recorded: the meeting had happened but nobody had written it down.
        var knownBefore = await At(now.AddDays(-5), beforeContribution);
        Assert.False(Shows(knownBefore, contributionId));
        Assert.Equal("running", knownBefore["assessment"]!["status"]!.GetValue<string>());

        // 2. Five days ago, as known now: the meeting (eight days ago) is part of that moment's picture.
        var knownAfter = await At(now.AddDays(-5), afterContribution);
        Assert.True(Shows(knownAfter, contributionId));
        var shown = knownAfter["assessment"]!["contributions"]!.AsArray().Single(c => c!["contributionId"]!.GetValue<string>() == contributionId)!;
        Assert.Equal("Met the family at the office.", shown["summary"]!.GetValue<string>());

        // 3. Ten days ago, as known now: the meeting had not happened yet; the assessment had started.
        var beforeMeeting = await At(now.AddDays(-10), afterContribution);
        Assert.False(Shows(beforeMeeting, contributionId));
        Assert.NotNull(beforeMeeting["assessment"]);

        // 4. Twenty-five days ago, as known now: the family (registered today, but it existed) with no concern yet.
        var beforeConcern = await At(now.AddDays(-25), null);
        Assert.Empty(beforeConcern["concerns"]!.AsArray());
        Assert.Null(beforeConcern["assessment"]);
        Assert.Equal(path.ChildIds[0].ToString(), beforeConcern["children"]![0]!["id"]!.GetValue<string>());

        // As known yesterday, the record held nothing about this family at all.
        await (await auditor.GetAsync($"/api/families/{path.FamilyId}/picture?knownAt={Q(now.AddDays(-1))}")).Problem(HttpStatusCode.NotFound);

        // Deadlines in the states they held: nineteen days ago the decision had not been made and was not yet due.
        var early = await At(now.AddDays(-19).AddHours(-12), null);
        var decision = early["deadlines"]!.AsArray().First(d => d!["kind"]!.GetValue<string>() == "assessment-decision")!;
        Assert.NotEqual("met", decision["state"]!.GetValue<string>());
        Assert.NotEqual("overdue", decision["state"]!.GetValue<string>());
        var today = await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        Assert.Equal("met", today["deadlines"]!.AsArray().First(d => d!["kind"]!.GetValue<string>() == "assessment-decision")!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task replaying_is_for_auditors_and_the_responsible_social_worker_and_bad_moments_are_400()
    {
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern();
        var q = Q(DateTimeOffset.UtcNow);

        await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture?asOf={q}")).Problem(HttpStatusCode.Forbidden);
        await (await host.ClientFor(Caller.Kuraattori()).GetAsync($"/api/families/{path.FamilyId}/picture?asOf={q}")).Problem(HttpStatusCode.NotFound);
        var problem = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{path.FamilyId}/picture?asOf=yesterday"))
            .Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["asOf"]);
    }
}
