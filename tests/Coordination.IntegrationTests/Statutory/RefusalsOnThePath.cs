using System.Net;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Statutory;

/// <summary>Every refusal of the statutory path: its status, a problem body, and not one event written.</summary>
public sealed class RefusalsOnThePath(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private async Task RefusedWithNothingWritten(StatutoryPath path, Func<Task<HttpResponseMessage>> send, HttpStatusCode status,
        string? problemType = null, string? field = null)
    {
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        var problem = await (await send()).Problem(status);
        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
        if (problemType is not null)
        {
            Assert.EndsWith("/" + problemType, problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        if (field is not null)
        {
            Assert.NotNull(problem["errors"]![field]);
        }
    }

    private static string Url(StatutoryPath p, string rest) => $"/api/families/{p.FamilyId}/{rest}";

    [Fact]
    public async Task concluding_while_a_child_has_no_hearing_is_409()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 2);
        await (await path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/child-hearings"),
            new { childId = path.ChildIds[0], heardAt = StatutoryPath.Now(), method = "in-person", views = "Fine." })).Ok(HttpStatusCode.Created);

        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/conclusion"),
            Conclusion(path)), HttpStatusCode.Conflict, "child-not-heard");
    }

    [Fact]
    public async Task concluding_twice_is_409()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        await path.HearAll();
        await (await path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/conclusion"), Conclusion(path))).Ok();

        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/conclusion"),
            Conclusion(path)), HttpStatusCode.Conflict, "assessment-concluded");
    }

    [Fact]
    public async Task contributing_after_the_conclusion_is_409()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        await path.HearAll();
        await (await path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/conclusion"), Conclusion(path))).Ok();

        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/contributions"),
            StatutoryPath.Contribution(path.ChildIds)), HttpStatusCode.Conflict, "assessment-concluded");
    }

    [Fact]
    public async Task deciding_a_concern_twice_is_409()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();

        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
            new { decision = "start-assessment", decidedAt = StatutoryPath.Now() }), HttpStatusCode.Conflict, "concern-already-decided");
    }

    [Fact]
    public async Task deciding_before_urgency_was_assessed_is_409()
    {
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern();

        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
            new { decision = "start-assessment", decidedAt = StatutoryPath.Now() }), HttpStatusCode.Conflict, "urgency-not-assessed");
    }

    [Fact]
    public async Task assessing_urgency_twice_is_409()
    {
        var path = await (await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern()).UrgencyAssessed();

        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/urgency"),
            new { urgent = true, assessedAt = StatutoryPath.Now(), reasoning = "Again." }), HttpStatusCode.Conflict, "urgency-already-assessed");
    }

    [Fact]
    public async Task only_social_work_assesses_urgency_decides_and_concludes()
    {
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern();
        var kuraattoriCaller = Caller.Kuraattori();
        var kuraattori = host.ClientFor(kuraattoriCaller);
        // The kuraattori is in the family's team, so they have a relationship with it.
        await path.RelatedThroughTeam(kuraattoriCaller);

        await RefusedWithNothingWritten(path, () => kuraattori.PostJson(Url(path, $"concerns/{path.ConcernId}/urgency"),
            new { urgent = true, assessedAt = StatutoryPath.Now(), reasoning = "I think so." }), HttpStatusCode.Forbidden);
        await path.UrgencyAssessed();
        await RefusedWithNothingWritten(path, () => kuraattori.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
            new { decision = "start-assessment", decidedAt = StatutoryPath.Now() }), HttpStatusCode.Forbidden);
        await path.AssessmentStarted();
        await path.Invite("school-welfare");
        await path.HearAll();
        await RefusedWithNothingWritten(path, () => kuraattori.PostJson(Url(path, $"assessments/{path.AssessmentId}/conclusion"),
            Conclusion(path)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task an_agency_that_was_not_invited_cannot_contribute()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        var kuraattoriCaller = Caller.Kuraattori();
        var kuraattori = host.ClientFor(kuraattoriCaller);
        await path.RelatedThroughTeam(kuraattoriCaller); // a relationship, but no invitation to the assessment

        await RefusedWithNothingWritten(path, () => kuraattori.PostJson(Url(path, $"assessments/{path.AssessmentId}/contributions"),
            StatutoryPath.Contribution(path.ChildIds)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task only_the_assessing_social_worker_invites()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        var colleagueCaller = Caller.SocialWorker();
        var colleague = host.ClientFor(colleagueCaller);
        await path.InvitedByName(colleagueCaller); // related, but not leading the assessment

        await RefusedWithNothingWritten(path, () => colleague.PostJson(Url(path, $"assessments/{path.AssessmentId}/invitations"),
            new { agency = "child-psychiatry", question = "?" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task a_duty_holder_cannot_notify_anonymously()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, "concerns"), new
        {
            childIds = path.ChildIds, kind = "child-welfare-notification", receivedAt = StatutoryPath.Now(),
            source = new { agency = "police", anonymous = true }, description = "Call-out to the home.", suspectedOffence = "none",
        }), HttpStatusCode.BadRequest, field: "source.anonymous");
    }

    [Fact]
    public async Task a_private_person_may_notify_anonymously()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        var response = await path.SocialWork.PostJson(Url(path, "concerns"), new
        {
            childIds = path.ChildIds, kind = "child-welfare-notification", receivedAt = StatutoryPath.Now(),
            source = new { agency = "private-person", anonymous = true }, description = "A neighbour called.",
        });
        await response.Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_suspected_offence_needs_the_police_report_question_answered()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, "concerns"), new
        {
            childIds = path.ChildIds, kind = "child-welfare-notification", receivedAt = StatutoryPath.Now(),
            source = new { agency = "school", anonymous = false }, description = "Bruises.", suspectedOffence = "violence",
        }), HttpStatusCode.BadRequest, field: "policeReported");
    }

    [Fact]
    public async Task an_unknown_concern_kind_is_400()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, "concerns"), new
        {
            childIds = path.ChildIds, kind = "rumour", receivedAt = StatutoryPath.Now(),
            source = new { agency = "school", anonymous = false }, description = "x",
        }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_concern_about_a_child_of_another_family_is_400()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, "concerns"),
            StatutoryPath.SchoolNotification([Guid.NewGuid()], StatutoryPath.Now())), HttpStatusCode.BadRequest, field: "childIds");
    }

    [Fact]
    public async Task a_concern_received_in_the_future_is_400()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, "concerns"),
            StatutoryPath.SchoolNotification(path.ChildIds, DateTimeOffset.UtcNow.AddDays(2).ToString("O", System.Globalization.CultureInfo.InvariantCulture))),
            HttpStatusCode.BadRequest, field: "receivedAt");
    }

    [Fact]
    public async Task an_urgency_assessment_or_decision_dated_before_the_concern_was_received_is_400()
    {
        var received = DateTimeOffset.UtcNow.AddDays(-3);
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered())
            .WithConcern(receivedAt: received.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var before = received.AddHours(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/urgency"),
            new { urgent = false, assessedAt = before, reasoning = "x" }), HttpStatusCode.BadRequest, field: "assessedAt");
        await path.UrgencyAssessed();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
            new { decision = "start-assessment", decidedAt = before }), HttpStatusCode.BadRequest, field: "decidedAt");
    }

    [Fact]
    public async Task no_assessment_needed_without_a_reason_is_400()
    {
        var path = await (await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern()).UrgencyAssessed();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{path.ConcernId}/decision"),
            new { decision = "no-assessment-needed", decidedAt = StatutoryPath.Now() }), HttpStatusCode.BadRequest, field: "reason");
    }

    [Fact]
    public async Task a_hearing_with_both_views_and_a_reason_is_400()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/child-hearings"),
            new { childId = path.ChildIds[0], heardAt = StatutoryPath.Now(), method = "remote", views = "a", notHeardReason = "b" }),
            HttpStatusCode.BadRequest, field: "views");
    }

    [Fact]
    public async Task a_hearing_of_a_child_outside_the_assessment_is_400()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/child-hearings"),
            new { childId = Guid.NewGuid(), heardAt = StatutoryPath.Now(), method = "remote", views = "a" }),
            HttpStatusCode.BadRequest, field: "childId");
    }

    [Fact]
    public async Task a_correction_of_a_correction_already_superseded_is_409()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        var first = await (await path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/contributions"),
            StatutoryPath.Contribution(path.ChildIds, legalBasis: "own-agency"))).Ok(HttpStatusCode.Created);
        var firstId = Guid.Parse(first["contributionId"]!.GetValue<string>());
        await (await path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/contributions"),
            StatutoryPath.Contribution(path.ChildIds, legalBasis: "own-agency", supersedes: firstId))).Ok(HttpStatusCode.Created);

        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/contributions"),
            StatutoryPath.Contribution(path.ChildIds, legalBasis: "own-agency", supersedes: firstId)), HttpStatusCode.Conflict, "already-superseded");
    }

    [Fact]
    public async Task an_unknown_legal_basis_is_400()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{path.AssessmentId}/contributions"),
            StatutoryPath.Contribution(path.ChildIds, legalBasis: "because")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task an_unknown_concern_or_assessment_is_404()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment();
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"concerns/{Guid.NewGuid()}/urgency"),
            new { urgent = true, assessedAt = StatutoryPath.Now(), reasoning = "x" }), HttpStatusCode.NotFound);
        await RefusedWithNothingWritten(path, () => path.SocialWork.PostJson(Url(path, $"assessments/{Guid.NewGuid()}/contributions"),
            StatutoryPath.Contribution(path.ChildIds)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_professional_of_another_county_cannot_raise_a_concern_on_the_family()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        var foreign = host.ClientFor(Caller.Kuraattori(Orgs.Uusimaa));
        await RefusedWithNothingWritten(path, () => foreign.PostJson(Url(path, "concerns"),
            StatutoryPath.SchoolNotification(path.ChildIds, StatutoryPath.Now())), HttpStatusCode.NotFound);
    }

    private static object Conclusion(StatutoryPath path) => new
    {
        outcome = "social-welfare-services", summary = "Family work under the Social Welfare Act.", clientOpinion = "Agrees.",
        namedWorkerNeeded = false, concludedAt = StatutoryPath.Now(),
    };
}
