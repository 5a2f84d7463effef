using System.Net;
using System.Text.Json.Nodes;
using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Statutory;

/// <summary>One whole family from a school's notification to a concluded assessment, with the picture after each step.</summary>
public sealed class TheStatutoryPath(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static async Task<JsonNode> Picture(HttpClient client, Guid familyId) =>
        await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok();

    [Fact]
    public async Task a_school_notification_becomes_a_concluded_assessment_with_every_agency_heard()
    {
        // The kuraattori notifies child protection about Aino through the intake: no family holds her yet.
        var kuraattori = Caller.Kuraattori();
        var school = host.ClientFor(kuraattori);
        var aino = TestPeople.Born(2016, 5, 1);
        var tuesday = "2026-11-03T09:15:00+02:00";
        var receipt = await (await school.PostJson("/api/concerns", new
        {
            child = new { personId = aino, name = "Aino", birthDate = "2016-05-01" }, kind = "child-welfare-notification", receivedAt = tuesday,
            source = new { agency = "school-welfare", organisation = "Hervannan koulu", reporterRole = "kuraattori", anonymous = false },
            description = "Repeated absences and the child says there is no food at home.", suspectedOffence = "none", policeReported = false,
        })).Ok(HttpStatusCode.Accepted);
        var concernId = Id(receipt, "concernId");
        Assert.Equal("received", receipt["status"]!.GetValue<string>());
        Assert.Equal("2026-11-12", receipt["decisionDue"]!.GetValue<string>()); // THL: Tuesday -> Thursday of the next week
        Assert.Equal(["concernId", "status", "decisionDue"], receipt.AsObject().Select(p => p.Key));

        // The intake's social worker finds it unmatched, registers the family (both children) and places it on Aino.
        var worker = Caller.SocialWorker();
        var socialWork = host.ClientFor(worker);
        JsonNode? waiting = null;
        for (var i = 0; i < 100 && waiting is null; i++)
        {
            waiting = (await (await socialWork.GetAsync("/api/intake?status=unmatched")).Ok()).AsArray()
                .FirstOrDefault(n => n!["concernId"]!.GetValue<string>() == concernId.ToString());
            await Task.Delay(waiting is null ? 50 : 0);
        }
        Assert.Equal(aino, waiting!["child"]!["personId"]!.GetValue<string>());
        Assert.Empty((await (await socialWork.PostJson("/api/families/search", new { personId = aino })).Ok()).AsArray());
        var registered = await (await socialWork.PostJson("/api/families", new
        {
            children = new object[] { new { personId = aino, name = "Aino" }, new { personId = TestPeople.Born(2016, 5, 2), name = "Eino" } },
            guardians = new[] { new { personId = TestPeople.Born(1994, 5, 1), name = "Maria", relation = "mother" } },
            municipality = "Tampere", languages = new[] { "fi" },
        })).Ok(HttpStatusCode.Created);
        var familyId = Id(registered, "familyId");
        var childIds = registered["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())).ToList();
        var placed = await (await socialWork.PostJson($"/api/intake/{concernId}/link", new { familyId })).Ok();
        // Placed weeks after its receipt: the concern, and the misses of its urgency (due 3 Nov) and decision (due 12 Nov)
        // deadlines, which had passed by then, in the same write.
        Assert.Equal(4, placed["version"]!.GetValue<long>());
        // The notifier learns that it was received, nothing of the family.
        var status = await (await school.GetAsync($"/api/concerns/{concernId}")).Ok();
        Assert.Equal(["concernId", "receivedAt", "status"], status.AsObject().Select(p => p.Key));
        await (await school.GetAsync($"/api/families/{familyId}/picture")).Problem(HttpStatusCode.NotFound);

        var picture = await Picture(socialWork, familyId);
        Assert.Single(picture["openConcerns"]!.AsArray());
        Assert.Equal("2026-11-12", picture["openConcerns"]![0]!["decisionDue"]!.GetValue<string>());
        Assert.Contains(picture["deadlines"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "assessment-decision");

        await (await socialWork.PostJson($"/api/families/{familyId}/concerns/{concernId}/urgency",
            new { urgent = false, assessedAt = "2026-11-03T11:00:00+02:00", reasoning = "Not in immediate danger." })).Ok();
        picture = await Picture(socialWork, familyId);
        Assert.False(picture["openConcerns"]![0]!["urgency"]!["urgent"]!.GetValue<bool>());
        Assert.Equal("met", Deadline(picture, "urgency-assessment")["state"]!.GetValue<string>());

        var decided = await (await socialWork.PostJson($"/api/families/{familyId}/concerns/{concernId}/decision",
            new { decision = "start-assessment", decidedAt = "2026-11-06T10:00:00+02:00", childAndGuardianInformedAt = "2026-11-06T12:00:00+02:00" }))
            .Ok(HttpStatusCode.Created);
        var assessmentId = Guid.Parse(decided["assessmentId"]!.GetValue<string>());
        // Three months from the day the matter became pending (received Tue 3 Nov 2026), not from the decision: Wed 3 Feb 2027.
        Assert.Equal("2027-02-03", decided["completionDue"]!.GetValue<string>());
        // The mother phones the social worker about Eino: a joint contact on the family, joined to the running assessment.
        var call = await (await socialWork.PostJson($"/api/families/{familyId}/concerns", new
        {
            childIds = new[] { childIds[1] }, kind = "joint-contact", receivedAt = "2026-11-09T08:30:00+02:00",
            source = new { agency = "guardian", anonymous = false }, description = "The mother asks for help with Eino's mornings.",
            suspectedOffence = "none",
        })).Ok(HttpStatusCode.Created);
        await (await socialWork.PostJson($"/api/families/{familyId}/concerns/{Id(call, "concernId")}/urgency",
            new { urgent = false, assessedAt = "2026-11-09T09:00:00+02:00", reasoning = "Not urgent." })).Ok();
        await (await socialWork.PostJson($"/api/families/{familyId}/concerns/{Id(call, "concernId")}/decision",
            new { decision = "start-assessment", decidedAt = "2026-11-09T10:00:00+02:00" })).Ok();
        picture = await Picture(socialWork, familyId);
        Assert.Empty(picture["openConcerns"]!.AsArray());
        Assert.Equal(childIds, picture["assessment"]!["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())));
        Assert.Equal("running", picture["assessment"]!["status"]!.GetValue<string>());
        Assert.Equal("2027-02-03", picture["assessment"]!["completionDue"]!.GetValue<string>()); // the first concern's clock stands

        // Invitations give the invited agencies a relationship.
        var psychiatrist = host.ClientFor(Caller.Psychiatrist());
        var familyWorker = host.ClientFor(Caller.FamilyWorker());
        await (await psychiatrist.GetAsync($"/api/families/{familyId}/picture")).Problem(HttpStatusCode.NotFound);
        var toPsychiatry = await Invite(socialWork, familyId, assessmentId, "child-psychiatry");
        var toFamilyWork = await Invite(socialWork, familyId, assessmentId, "family-work");
        picture = await Picture(psychiatrist, familyId);
        Assert.Equal(2, picture["assessment"]!["invitations"]!.AsArray().Count);

        // Their contributions, and a correction that supersedes rather than edits.
        var psychiatric = await (await psychiatrist.PostJson($"/api/families/{familyId}/assessments/{assessmentId}/contributions",
            StatutoryPath.Contribution(childIds.Take(1), "psychiatric-entry", "atl-53-5", toPsychiatry))).Ok(HttpStatusCode.Created);
        var homeVisit = await (await familyWorker.PostJson($"/api/families/{familyId}/assessments/{assessmentId}/contributions",
            StatutoryPath.Contribution(childIds, "general", "atl-64", toFamilyWork))).Ok(HttpStatusCode.Created);
        var correction = await (await familyWorker.PostJson($"/api/families/{familyId}/assessments/{assessmentId}/contributions",
            StatutoryPath.Contribution(childIds, "general", "atl-64", toFamilyWork, supersedes: Id(homeVisit, "contributionId"))))
            .Ok(HttpStatusCode.Created);

        picture = await Picture(socialWork, familyId);
        var contributions = picture["assessment"]!["contributions"]!.AsArray();
        Assert.Equal(3, contributions.Count);
        var stub = contributions.Single(c => c!["contributionId"]!.GetValue<string>() == Id(psychiatric, "contributionId").ToString());
        Assert.True(stub!["withheld"]!.GetValue<bool>());
        Assert.Equal("confirmation-required", stub["reason"]!.GetValue<string>());
        Assert.Null(stub["summary"]);
        var original = contributions.Single(c => c!["contributionId"]!.GetValue<string>() == Id(homeVisit, "contributionId").ToString());
        Assert.Equal(Id(correction, "contributionId").ToString(), original!["supersededBy"]!.GetValue<string>());
        var psychiatristSees = (await Picture(psychiatrist, familyId))["assessment"]!["contributions"]!.AsArray();
        Assert.Contains(psychiatristSees, c => c!["category"]?.GetValue<string>() == "psychiatric-entry" && c["summary"] is not null);
        Assert.Equal(2, picture["assessment"]!["invitations"]!.AsArray().Sum(i => i!["answeredBy"]!.AsArray().Count) - 1);

        // Both children heard (one could not be), then the conclusion.
        await (await socialWork.PostJson($"/api/families/{familyId}/assessments/{assessmentId}/child-hearings",
            new { childId = childIds[0], heardAt = "2026-11-16T14:00:00+02:00", method = "at-school", views = "Wants things to calm down at home." }))
            .Ok(HttpStatusCode.Created);
        await (await familyWorker.PostJson($"/api/families/{familyId}/assessments/{assessmentId}/child-hearings",
            new { childId = childIds[1], heardAt = "2026-11-17T10:00:00+02:00", notHeardReason = "Too young to be heard in words; observed at home." }))
            .Ok(HttpStatusCode.Created);
        picture = await Picture(socialWork, familyId);
        Assert.Equal(2, picture["assessment"]!["hearings"]!.AsArray().Count);

        var concluded = await (await socialWork.PostJson($"/api/families/{familyId}/assessments/{assessmentId}/conclusion",
            new
            {
                outcome = "child-protection-client", summary = "Support in open care is needed.", clientOpinion = "The mother agrees.",
                namedWorkerNeeded = true, responsibleSocialWorkerId = worker.Id, concludedAt = "2026-11-20T15:00:00+02:00",
            })).Ok();
        Assert.Equal("child-protection-client", concluded["outcome"]!.GetValue<string>());

        picture = await Picture(socialWork, familyId);
        Assert.Null(picture["assessment"]);
        var past = picture["pastAssessments"]![0]!;
        Assert.Equal("concluded", past["status"]!.GetValue<string>());
        Assert.Equal("child-protection-client", past["conclusion"]!["outcome"]!.GetValue<string>());
        Assert.All(picture["deadlines"]!.AsArray(), d => Assert.Equal("met", d!["state"]!.GetValue<string>()));
        Assert.Equal(picture["version"]!.GetValue<long>(), (await host.EventsOf(kuraattori.Org, familyId)).Count);

        var types = (await host.EventsOf(kuraattori.Org, familyId)).Select(e => e.Data.GetType()).ToList();
        // Both concerns were recorded weeks after their receipt (in November 2026), when their urgency and decision deadlines
        // had passed: each write recorded those misses with it, although the facts recorded later met them in time.
        var missed = typeof(Coordination.Deadlines.DeadlineMissed);
        Assert.Equal(
            [typeof(Coordination.Families.FamilyRegistered), typeof(ConcernRaised), missed, missed, typeof(UrgencyAssessed), typeof(ConcernDecided),
             typeof(AssessmentStarted), typeof(ConcernRaised), missed, missed, typeof(UrgencyAssessed), typeof(ConcernDecided), typeof(ConcernJoinedAssessment),
             typeof(AgencyInvited), typeof(AgencyInvited), typeof(ContributionRecorded),
             typeof(ContributionRecorded), typeof(ContributionRecorded), typeof(ChildHearingRecorded), typeof(ChildHearingRecorded),
             typeof(AssessmentConcluded)],
            types);
    }

    [Fact]
    public async Task a_second_concern_while_an_assessment_runs_joins_it()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        var first = path.AssessmentId;
        await path.Notified(host.ClientFor(Caller.Kuraattori()));
        await path.UrgencyAssessed();

        var decided = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/decision",
            new { decision = "start-assessment", decidedAt = StatutoryPath.Now() })).Ok();

        Assert.Equal(first.ToString(), decided["assessmentId"]!.GetValue<string>());
        Assert.True(decided["joinedExisting"]!.GetValue<bool>());
        var picture = await Picture(path.SocialWork, path.FamilyId);
        Assert.Equal(2, picture["assessment"]!["concernIds"]!.AsArray().Count);
        Assert.Empty(picture["pastAssessments"]!.AsArray());
    }

    [Fact]
    public async Task no_assessment_needed_records_the_reason_and_meets_the_decision_deadline()
    {
        var path = await (await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern()).UrgencyAssessed();

        var decided = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/decision",
            new { decision = "no-assessment-needed", decidedAt = StatutoryPath.Now(), reason = "The family already receives the support needed." })).Ok();

        Assert.Null(decided["assessmentId"]);
        var picture = await Picture(path.SocialWork, path.FamilyId);
        Assert.Equal("no-assessment-needed", picture["concerns"]![0]!["decision"]!["decision"]!.GetValue<string>());
        Assert.Equal("met", Deadline(picture, "assessment-decision")["state"]!.GetValue<string>());
        Assert.Null(picture["assessment"]);
    }

    [Fact]
    public async Task concurrent_writes_by_two_agencies_never_lose_an_event_or_corrupt_the_picture()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        var invitation = await path.Invite("family-work");
        var familyWork = host.ClientFor(Caller.FamilyWorker());
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;

        var writes = Enumerable.Range(0, 30).Select(i => i % 2 == 0
            ? path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
                StatutoryPath.Contribution(path.ChildIds, legalBasis: "own-agency"))
            : familyWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
                StatutoryPath.Contribution(path.ChildIds, invitationId: invitation)));
        var responses = await Task.WhenAll(writes);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var events = await host.EventsOf(path.SocialWorker.Org, path.FamilyId);
        Assert.Equal(before + 30, events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
        var ids = (await Task.WhenAll(responses.Select(async r => (await r.Json())["contributionId"]!.GetValue<string>()))).ToHashSet();
        var picture = await Picture(path.SocialWork, path.FamilyId);
        var shown = picture["assessment"]!["contributions"]!.AsArray().Select(c => c!["contributionId"]!.GetValue<string>()).ToHashSet();
        Assert.Subset(shown, ids);
        Assert.Equal(30, shown.Count);
        Assert.Equal(events.Count, picture["version"]!.GetValue<long>());
    }

    private static async Task<Guid> Invite(HttpClient client, Guid familyId, Guid assessmentId, string agency)
    {
        var body = await (await client.PostJson($"/api/families/{familyId}/assessments/{assessmentId}/invitations",
            new { agency, question = "What do you know of the children?", respondBy = "2027-01-15" })).Ok(HttpStatusCode.Created);
        return Id(body, "invitationId");
    }

    private static Guid Id(JsonNode body, string field) => Guid.Parse(body[field]!.GetValue<string>());

    private static JsonNode Deadline(JsonNode picture, string kind) =>
        picture["deadlines"]!.AsArray().First(d => d!["kind"]!.GetValue<string>() == kind)!;
}
