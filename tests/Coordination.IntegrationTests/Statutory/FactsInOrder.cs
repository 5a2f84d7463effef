using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Statutory;

/// <summary>
/// Facts happen in order: a fact dated before the fact it follows from is 400, naming that earlier fact in the field's error
/// and as <c>earlierFact: { fact, id, occurredAt }</c>, and nothing is written.
/// </summary>
/// <remarks>
/// One case in August 2026 (Finnish summer time, +03:00), recorded now: received Mon 3 Aug 09:00, urgency assessed 11:00,
/// assessment started Tue 4 Aug 10:00. Every deadline of it (urgency 3 Aug, decision 12 Aug, completion 3 Nov) has passed,
/// so their misses are written with the facts that made them known and no check appends one while a test counts.
/// </remarks>
public sealed class FactsInOrder(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private const string Received = "2026-08-03T09:00:00+03:00";
    private const string UrgencyAt = "2026-08-03T11:00:00+03:00";
    private const string StartedAt = "2026-08-04T10:00:00+03:00";

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    private static string Url(StatutoryPath p, string rest) => $"/api/families/{p.FamilyId}/{rest}";

    private async Task<StatutoryPath> Received_(int children = 1) =>
        await (await new StatutoryPath(host, Caller.SocialWorker()).Registered(children)).WithConcern(receivedAt: Received);

    private async Task<StatutoryPath> UrgencyAssessed(int children = 1)
    {
        var path = await Received_(children);
        await (await path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/urgency"),
            new { urgent = false, assessedAt = UrgencyAt, reasoning = "No immediate danger; the school follows attendance." })).Ok();
        return path;
    }

    private async Task<(StatutoryPath Path, Guid AssessmentId)> Started(int children = 1)
    {
        var path = await UrgencyAssessed(children);
        var decided = await (await path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
            new { decision = "start-assessment", decidedAt = StartedAt, childAndGuardianInformedAt = "2026-08-04T12:00:00+03:00" }))
            .Ok(HttpStatusCode.Created);
        return (path, Guid.Parse(decided["assessmentId"]!.GetValue<string>()));
    }

    private static async Task<Guid> Heard(StatutoryPath path, Guid assessmentId, Guid childId, string heardAt)
    {
        var heard = await (await path.SocialWork.PostJson(Url(path, $"assessments/{assessmentId}/child-hearings"),
            new { childId, heardAt, method = "in-person", views = "Wants to stay at home and go to school." })).Ok(HttpStatusCode.Created);
        return Guid.Parse(heard["hearingId"]!.GetValue<string>());
    }

    private static object Conclusion(string concludedAt) => new
    {
        outcome = "social-welfare-services", summary = "Family work under the Social Welfare Act.", clientOpinion = "Agrees.",
        namedWorkerNeeded = false, concludedAt,
    };

    /// <summary>
    /// 400 naming the earlier fact: the field's error mentions it, <c>earlierFact</c> names it by kind, id and time, and the
    /// family's stream did not move.
    /// </summary>
    private async Task<JsonNode> OutOfOrder(StatutoryPath path, Func<Task<HttpResponseMessage>> send, string field, string fact, Guid id,
        string occurredAt)
    {
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        var problem = await (await send()).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);

        Assert.EndsWith("/invalid-request", problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        var messages = problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains(messages, m => m.Contains(fact, StringComparison.Ordinal));
        Assert.Equal([field], problem["errors"]!.AsObject().Select(e => e.Key)); // this one rule, no other
        var earlier = problem["earlierFact"]!;
        Assert.Equal(fact, earlier["fact"]!.GetValue<string>());
        Assert.Equal(id, Guid.Parse(earlier["id"]!.GetValue<string>()));
        Assert.Equal(At(occurredAt), At(earlier["occurredAt"]!.GetValue<string>())); // the same instant, whatever offset it is written in
        return problem;
    }

    [Fact]
    public async Task an_urgency_assessment_before_the_receipt_is_400_naming_the_concern_received()
    {
        var path = await Received_();
        var url = Url(path, $"concerns/{path.ConcernId}/urgency");

        await OutOfOrder(path, () => path.SocialWork.PostJson(url, new { urgent = true, assessedAt = "2026-08-03T08:59:59+03:00", reasoning = "x" }),
            "assessedAt", "concern-received", path.ConcernId, Received);
        await OutOfOrder(path, () => path.SocialWork.PostJson(url, new { urgent = true, assessedAt = "2026-07-31T12:00:00Z", reasoning = "x" }),
            "assessedAt", "concern-received", path.ConcernId, "2026-08-03T06:00:00Z");

        // The very moment of receipt, written in UTC, is in order.
        await (await path.SocialWork.PostJson(url, new { urgent = true, assessedAt = "2026-08-03T06:00:00Z", reasoning = "Assessed on receipt." })).Ok();
    }

    [Fact]
    public async Task a_decision_before_the_receipt_is_400_naming_the_concern_received()
    {
        var path = await UrgencyAssessed();
        await OutOfOrder(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
                new { decision = "start-assessment", decidedAt = "2026-08-02T10:00:00+03:00" }),
            "decidedAt", "concern-received", path.ConcernId, Received);
        await OutOfOrder(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
                new { decision = "no-assessment-needed", reason = "The family has support already.", decidedAt = "2026-08-03T08:00:00+03:00" }),
            "decidedAt", "concern-received", path.ConcernId, Received);
    }

    [Fact]
    public async Task a_decision_after_the_receipt_but_before_the_urgency_assessment_is_400_naming_it()
    {
        var path = await UrgencyAssessed();
        // 10:00, between the receipt (09:00) and the urgency assessment (11:00).
        await OutOfOrder(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
                new { decision = "start-assessment", decidedAt = "2026-08-03T10:00:00+03:00" }),
            "decidedAt", "urgency-assessed", path.ConcernId, "2026-08-03T08:00:00Z");

        // At the moment of the urgency assessment it is in order.
        await (await path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
            new { decision = "start-assessment", decidedAt = UrgencyAt })).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task child_and_guardian_informed_before_the_receipt_is_400_naming_the_concern_received()
    {
        var path = await UrgencyAssessed();
        await OutOfOrder(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
                new { decision = "start-assessment", decidedAt = StartedAt, childAndGuardianInformedAt = "2026-08-01T12:00:00+03:00" }),
            "childAndGuardianInformedAt", "concern-received", path.ConcernId, Received);
    }

    [Fact]
    public async Task a_child_hearing_dated_2001_or_before_the_assessment_started_is_400_naming_its_start()
    {
        var (path, assessmentId) = await Started();
        var url = Url(path, $"assessments/{assessmentId}/child-hearings");

        // 2001 passes the rule against dates before 2000, and is refused as out of order.
        await OutOfOrder(path, () => path.SocialWork.PostJson(url,
                new { childId = path.ChildIds[0], heardAt = "2001-08-10T10:00:00+03:00", method = "in-person", views = "Fine." }),
            "heardAt", "assessment-started", assessmentId, StartedAt);
        // After the receipt and the urgency assessment, but before the decision to assess.
        await OutOfOrder(path, () => path.SocialWork.PostJson(url,
                new { childId = path.ChildIds[0], heardAt = "2026-08-03T15:00:00+03:00", method = "home-visit", views = "Fine." }),
            "heardAt", "assessment-started", assessmentId, StartedAt);
        await OutOfOrder(path, () => path.SocialWork.PostJson(url,
                new { childId = path.ChildIds[0], heardAt = "2026-08-04T06:59:59Z", notHeardReason = "Asleep." }),
            "heardAt", "assessment-started", assessmentId, "2026-08-04T07:00:00Z");
    }

    /// <summary>A contribution describes what its agency knows, which may have happened before the assessment: it is recorded with its date.</summary>
    [Fact]
    public async Task a_contribution_describing_what_happened_before_the_assessment_started_is_recorded_with_its_date()
    {
        var (path, assessmentId) = await Started();
        await (await path.SocialWork.PostJson(Url(path, $"assessments/{assessmentId}/contributions"), new
            {
                childIds = path.ChildIds, summary = "Home visit: the mother is exhausted.", category = "general", legalBasis = "own-agency",
                occurredAt = "2026-08-04T09:59:00+03:00",
            })).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_conclusion_before_the_assessment_started_is_400_naming_its_start()
    {
        var (path, assessmentId) = await Started();
        await Heard(path, assessmentId, path.ChildIds[0], "2026-08-20T10:00:00+03:00");

        // Before the start and before the hearing: the start is named, the first fact it follows from.
        await OutOfOrder(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{assessmentId}/conclusion"),
                Conclusion("2026-08-04T09:00:00+03:00")),
            "concludedAt", "assessment-started", assessmentId, StartedAt);
    }

    [Fact]
    public async Task a_conclusion_before_the_latest_child_hearing_is_400_naming_that_hearing()
    {
        var (path, assessmentId) = await Started(children: 2);
        // Eino is heard on 25 Aug and recorded first; Aino on 20 Aug, recorded after him.
        var einoHeard = await Heard(path, assessmentId, path.ChildIds[1], "2026-08-25T10:00:00+03:00");
        await Heard(path, assessmentId, path.ChildIds[0], "2026-08-20T10:00:00+03:00");

        // 22 Aug: after Aino's hearing but before Eino's, the latest.
        await OutOfOrder(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{assessmentId}/conclusion"),
                Conclusion("2026-08-22T10:00:00+03:00")),
            "concludedAt", "child-heard", einoHeard, "2026-08-25T07:00:00Z");

        await (await path.SocialWork.PostJson(Url(path, $"assessments/{assessmentId}/conclusion"), Conclusion("2026-08-25T10:00:00+03:00"))).Ok();
    }

    [Fact]
    public async Task a_consent_withdrawn_before_it_was_given_is_400_naming_the_consent_given()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        var picture = await (await path.SocialWork.GetAsync(Url(path, "picture"))).Ok();
        var mother = picture["guardians"]![0]!["id"]!.GetValue<string>();
        var given = await (await path.SocialWork.PostJson(Url(path, "consents"), new
        {
            givenBy = mother, recipients = new[] { "child-psychiatry" }, dataCategories = new[] { "assessment-contributions" },
            purpose = "service-need-assessment", givenAt = "2026-08-10T10:00:00+03:00",
        })).Ok(HttpStatusCode.Created);
        var consentId = Guid.Parse(given["consentId"]!.GetValue<string>());

        await OutOfOrder(path, () => path.SocialWork.PostJson(Url(path, $"consents/{consentId}/withdrawal"),
                new { withdrawnAt = "2026-08-09T10:00:00+03:00", reason = "Changed her mind." }),
            "withdrawnAt", "consent-given", consentId, "2026-08-10T10:00:00+03:00");
    }

    [Fact]
    public async Task a_date_before_2000_is_refused_by_the_earlier_rule_and_names_no_fact()
    {
        var (path, assessmentId) = await Started();
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        const string before2000 = "This time is before 2000: no fact of this record happened then.";

        var hearing = await (await path.SocialWork.PostJson(Url(path, $"assessments/{assessmentId}/child-hearings"),
            new { childId = path.ChildIds[0], heardAt = "1999-12-31T23:59:59Z", method = "in-person", views = "Fine." })).Problem(HttpStatusCode.BadRequest);
        Assert.Equal([before2000], hearing["errors"]!["heardAt"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Null(hearing["earlierFact"]);

        var contribution = await (await path.SocialWork.PostJson(Url(path, $"assessments/{assessmentId}/contributions"), new
        {
            childIds = path.ChildIds, summary = "Old notes.", category = "general", legalBasis = "own-agency", occurredAt = "0001-01-01T00:00:00Z",
        })).Problem(HttpStatusCode.BadRequest);
        Assert.Equal([before2000], contribution["errors"]!["occurredAt"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Null(contribution["earlierFact"]);

        var other = await (await path.SocialWork.PostJson(Url(path, "concerns"),
            StatutoryPath.SchoolNotification(path.ChildIds, "1999-06-01T10:00:00+03:00"))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal([before2000], other["errors"]!["receivedAt"]!.AsArray().Select(m => m!.GetValue<string>()));

        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
    }
}
