using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;

namespace Coordination.IntegrationTests.Consent;

/// <summary>
/// What an adversarial review of the sharing gate found open (R1-R10), each reproduced as the reviewer did it and now
/// asserting what docs/sharing.md and the contract say.
/// </summary>
public sealed class WhatTheReviewFound(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static string Marker(string what) => $"{what}-{Guid.NewGuid():N}";

    private static string Ago(TimeSpan ago) => (DateTimeOffset.UtcNow - ago).ToString("O", CultureInfo.InvariantCulture);

    private static async Task<JsonNode> PollConcern(HttpClient client, Guid concernId, Func<JsonNode, bool> until)
    {
        for (var i = 0; i < 200; i++)
        {
            var seen = await (await client.GetAsync($"/api/concerns/{concernId}")).Ok();
            if (until(seen))
            {
                return seen;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"concern {concernId} did not reach the expected state");
    }

    private static object Notification(string personId, string description) => new
    {
        child = new { personId, name = "Aino" },
        kind = "child-welfare-notification", receivedAt = StatutoryPath.Now(),
        source = new { agency = "social-work", organisation = "Tampere", reporterRole = "social worker", anonymous = false },
        description, suspectedOffence = "none", policeReported = false,
    };

    /// <summary>
    /// R1. A social worker who has no relationship with a family files an intake notification, as social work, with one of
    /// its children's identity codes. Contract 1.1: "The notifier gets no relationship with the family and learns nothing
    /// about it"; the intake (the other social workers) has the family while the concern waits.
    /// </summary>
    [Fact]
    public async Task R1_a_social_work_notifier_learns_neither_the_family_nor_its_record()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        await path.HearAll();
        var summary = Marker("CONCLUSION-SUMMARY");
        var opinion = Marker("CLIENT-OPINION");
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/conclusion", new
        {
            outcome = "social-welfare-services", summary, clientOpinion = opinion, namedWorkerNeeded = false, concludedAt = StatutoryPath.Now(),
        })).Ok();

        var outsider = host.ClientFor(Caller.SocialWorker()); // never worked with the family
        await (await outsider.GetAsync($"/api/families/{path.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);

        var receipt = await (await outsider.PostJson("/api/concerns", Notification(path.ChildCodes[0]!, "Just checking."))).Ok(HttpStatusCode.Accepted);
        var concernId = Guid.Parse(receipt["concernId"]!.GetValue<string>());
        // Placed: the intake's social worker (another) sees it on the family...
        var intake = host.ClientFor(Caller.SocialWorker());
        await PollConcern(intake, concernId, s => s["familyId"] is not null);
        // ...the notifier its status only, and no family.
        var seen = await (await outsider.GetAsync($"/api/concerns/{concernId}")).Ok();
        Assert.Equal(["concernId", "receivedAt", "status"], seen.AsObject().Select(p => p.Key));
        var before = (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count;
        await (await outsider.GetAsync($"/api/families/{path.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);
        await (await outsider.PostJson($"/api/families/{path.FamilyId}/concerns/{concernId}/urgency",
            new { urgent = false, assessedAt = StatutoryPath.Now(), reasoning = "x" })).Problem(HttpStatusCode.NotFound);
        Assert.Equal(before, (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count);
        Assert.DoesNotContain(summary, (await (await outsider.GetAsync($"/api/concerns/{concernId}")).Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Contains(opinion, (await (await intake.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok()).ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// R2. A contribution recorded AFTER the guardian withdrew consent, about a visit dated while the consent was in force:
    /// withheld today, and in a replay of that moment too, since it never flowed under the consent (docs/sharing.md §2).
    /// </summary>
    [Fact]
    public async Task R2_a_replay_shows_nothing_under_a_consent_that_was_recorded_after_its_withdrawal()
    {
        var worker = Caller.SocialWorker();
        var path = new StatutoryPath(host, worker);
        await path.Registered(children: 1);
        var sw = path.SocialWork;
        var guardian = (await (await sw.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["guardians"]![0]!["id"]!.GetValue<string>();
        // The case started five hours ago (all times as the professionals record them).
        var concern = await (await sw.PostJson($"/api/families/{path.FamilyId}/concerns",
            StatutoryPath.SchoolNotification(path.ChildIds, Ago(TimeSpan.FromHours(5))))).Ok(HttpStatusCode.Created);
        var concernId = concern["concernId"]!.GetValue<string>();
        await (await sw.PostJson($"/api/families/{path.FamilyId}/concerns/{concernId}/urgency",
            new { urgent = false, assessedAt = Ago(TimeSpan.FromHours(4.9)), reasoning = "r" })).Ok();
        var started = await (await sw.PostJson($"/api/families/{path.FamilyId}/concerns/{concernId}/decision",
            new { decision = "start-assessment", decidedAt = Ago(TimeSpan.FromHours(4.8)), childAndGuardianInformedAt = Ago(TimeSpan.FromHours(4.8)) }))
            .Ok(HttpStatusCode.Created);
        var assessmentId = started["assessmentId"]!.GetValue<string>();
        await path.RelatedThroughTeam(Caller.FamilyWorker()); // the path's social worker is now the responsible social worker
        var invitation = (await (await sw.PostJson($"/api/families/{path.FamilyId}/assessments/{assessmentId}/invitations",
            new { agency = "family-work", question = "q" })).Ok(HttpStatusCode.Created))["invitationId"]!.GetValue<string>();

        // The guardian consented three hours ago to social work receiving assessment contributions, and withdrew an hour ago.
        var consentId = (await (await sw.PostJson($"/api/families/{path.FamilyId}/consents", new
        {
            givenBy = guardian, recipients = new[] { "social-work" }, dataCategories = new[] { "assessment-contributions" },
            purpose = "service-need-assessment", givenAt = Ago(TimeSpan.FromHours(3)),
        })).Ok(HttpStatusCode.Created))["consentId"]!.GetValue<string>();
        await (await sw.PostJson($"/api/families/{path.FamilyId}/consents/{consentId}/withdrawal",
            new { withdrawnAt = Ago(TimeSpan.FromHours(1)), reason = "The mother no longer wants family work's notes shared." })).Ok();

        // After the withdrawal, family work records a note about a home visit two hours ago, shared "under consent".
        var marker = Marker("FAMILY-WORK-NOTE");
        await (await host.ClientFor(Caller.FamilyWorker()).PostJson($"/api/families/{path.FamilyId}/assessments/{assessmentId}/contributions", new
        {
            invitationId = invitation, childIds = path.ChildIds, summary = marker, observations = marker, category = "general", legalBasis = "consent",
            occurredAt = Ago(TimeSpan.FromHours(2)),
        })).Ok(HttpStatusCode.Created);

        // Today: withheld, in the picture and in the history.
        Assert.DoesNotContain(marker, (await (await sw.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok()).ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(marker, (await (await sw.GetAsync($"/api/families/{path.FamilyId}/history")).Ok()).ToJsonString(), StringComparison.Ordinal);

        // The replay a few minutes after the visit: the note in full.
        var asOf = Uri.EscapeDataString(Ago(TimeSpan.FromHours(1.9)));
        var replay = (await (await sw.GetAsync($"/api/families/{path.FamilyId}/picture?asOf={asOf}")).Ok()).ToJsonString();
        Assert.DoesNotContain(marker, replay, StringComparison.Ordinal);

        var log = (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?familyId={path.FamilyId}&professionalId={worker.Id}"))
            .Ok()).AsArray();
        Assert.DoesNotContain(log, r => r!["kind"]!.GetValue<string>() == "disclosure" && r["basis"]?.GetValue<string>() == $"consent:{consentId}");
    }

    /// <summary>
    /// R3. ATL 11 §: the access report of a child lists the intake notification's disclosure to social work and every
    /// social worker's reading of it in the intake, though those rows name no family.
    /// </summary>
    [Fact]
    public async Task R3_the_childs_access_report_lists_the_notification_and_who_read_it_in_the_intake()
    {
        var pupil = TestPupil.New();
        var receipt = await (await host.ClientFor(Caller.Kuraattori()).PostJson("/api/concerns", RouteCatalogue.Notification(pupil.PersonId)))
            .Ok(HttpStatusCode.Accepted);
        var concernId = Guid.Parse(receipt["concernId"]!.GetValue<string>());
        var reader = Caller.SocialWorker();
        var intake = host.ClientFor(reader);
        await PollConcern(intake, concernId, s => s["status"]?.GetValue<string>() == "unmatched"); // reads the child's code and the concern
        (await (await intake.GetAsync("/api/intake?status=unmatched&limit=200")).Ok()).AsArray();

        var social = host.ClientFor(Caller.SocialWorker());
        var (familyId, _) = await pupil.RegisterFamilyAsync(social);
        await (await social.PostJson($"/api/intake/{concernId}/link", new { familyId })).Ok();

        var auditor = host.ClientFor(Caller.Auditor());
        var log = (await (await auditor.GetAsync($"/api/audit/access-log?professionalId={reader.Id}")).Ok()).AsArray();
        Assert.Contains(log, r => r!["data"]!.GetValue<string>() == $"concern:{concernId}"); // the organisation's log has the reads
        var all = (await (await auditor.GetAsync("/api/audit/access-log?limit=1000")).Ok()).AsArray();
        Assert.Contains(all, r => r!["kind"]!.GetValue<string>() == "disclosure" && r["data"]!.GetValue<string>() == $"concern:{concernId}"
                                  && r["purpose"]!.GetValue<string>() == "notification");

        var report = await (await auditor.PostJson("/api/audit/access-reports", new { personId = pupil.PersonId })).Ok();
        var entries = report["entries"]!.AsArray();
        Assert.Contains(entries, r => r!["professionalId"]!.GetValue<string>() == reader.Id);
        Assert.Contains(entries, r => r!["purpose"]!.GetValue<string>() == "notification");
    }

    /// <summary>
    /// R4. A child-psychiatry clinician of a team records the discussion: it is the team's record, child protection's, not
    /// child psychiatry's. Another psychiatrist related to the family does not read it; the team's social worker does.
    /// </summary>
    [Fact]
    public async Task R4_a_team_discussion_is_the_teams_record_whoever_typed_it()
    {
        var worker = Caller.SocialWorker();
        var path = await new StatutoryPath(host, worker).OpenAssessment(children: 1);
        var clinician = Caller.Psychiatrist();
        var consultant = new Caller($"csw-{Guid.NewGuid():N}"[..12], "Kaija Konsultoiva", worker.Org, "social-work", "consultant-social-worker");
        var lead = host.ClientFor(consultant);
        var team = Guid.Parse((await (await lead.PostJson("/api/teams", new { name = "Tiimi" })).Ok(HttpStatusCode.Created))["teamId"]!.GetValue<string>());
        await (await lead.PostJson($"/api/teams/{team}/members", new { professionalId = worker.Id, name = worker.Name, role = "social-worker" })).Ok(HttpStatusCode.Created);
        await (await lead.PostJson($"/api/teams/{team}/members", new { professionalId = clinician.Id, name = clinician.Name, role = "clinician" })).Ok(HttpStatusCode.Created);
        await (await path.SocialWork.PostJson($"/api/teams/{team}/families", new { familyId = path.FamilyId, responsibleSocialWorkerId = worker.Id })).Ok();
        await path.Invite("child-psychiatry");

        var reflections = Marker("TEAM-REFLECTIONS");
        await (await host.ClientFor(clinician).PostJson($"/api/families/{path.FamilyId}/systemic-discussions", new
        {
            teamId = team, participantIds = new[] { clinician.Id }, reflections,
        })).Ok(HttpStatusCode.Created);

        var otherPsychiatrist = Caller.Psychiatrist(); // not in the team, not a participant
        var seen = (await (await host.ClientFor(otherPsychiatrist).GetAsync($"/api/families/{path.FamilyId}/systemic-discussions")).Ok()).ToJsonString();
        Assert.DoesNotContain(reflections, seen, StringComparison.Ordinal);
        var ownTeam = (await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/systemic-discussions")).Ok()).ToJsonString();
        Assert.Contains(reflections, ownTeam, StringComparison.Ordinal);
        // The clinician took part: a disclosure to them, from social work.
        await (await host.ClientFor(clinician).GetAsync($"/api/families/{path.FamilyId}/systemic-discussions")).Ok();
        var log = (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?familyId={path.FamilyId}&professionalId={clinician.Id}"))
            .Ok()).AsArray();
        Assert.Contains(log, r => r!["kind"]!.GetValue<string>() == "disclosure" && r["data"]!.GetValue<string>().StartsWith("discussion:", StringComparison.Ordinal)
                                  && r["ownerAgency"]!.GetValue<string>() == "social-work" && r["basis"]!.GetValue<string>() == "discussion-participant");
    }

    /// <summary>
    /// R5. Table N: the notifier's organisation is concern content, withheld from another agency without consent; the school
    /// a concern came from (via) is too.
    /// </summary>
    [Fact]
    public async Task R5_a_withheld_school_concern_names_no_school()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var pupil = TestPupil.New();
        var worker = Caller.SocialWorker();
        var path = new StatutoryPath(host, worker);
        var (familyId, _) = await pupil.RegisterFamilyAsync(path.SocialWork);
        path.ForFamily(familyId);
        var familyWorker = Caller.FamilyWorker();
        await path.RelatedThroughTeam(familyWorker);
        var messageId = SchoolMessagesFor.NewId();
        await school.AcceptedAsync(SchoolMessagesFor.WelfareConcern(pupil.PersonId, messageId));
        await school.SettledAsync(messageId);

        var picture = await (await host.ClientFor(familyWorker).GetAsync($"/api/families/{familyId}/picture")).Ok();
        var concern = Assert.Single(picture["concerns"]!.AsArray())!;
        Assert.True(concern["withheld"]!.GetValue<bool>());
        Assert.Null(concern["source"]!["organisation"]);
        Assert.Null(concern["via"]);
        Assert.Equal("school-welfare", concern["source"]!["agency"]!.GetValue<string>());
        Assert.DoesNotContain("Hervannan koulu", picture["concerns"]!.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>R6. docs/sharing.md §6: "confirm a psychiatric entry: case-working outside child psychiatry".</summary>
    [Fact]
    public async Task R6_child_psychiatry_does_not_confirm_psychiatric_entries()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var invitation = await path.Invite("child-psychiatry");
        var psychiatrist = host.ClientFor(Caller.Psychiatrist());
        var id = (await (await psychiatrist.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, "psychiatric-entry", "atl-53-5", invitation))).Ok(HttpStatusCode.Created))["contributionId"]!.GetValue<string>();
        var before = (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count;
        await (await psychiatrist.PostJson($"/api/families/{path.FamilyId}/contributions/{id}/confirmations",
            new { purpose = "p", justification = "j" })).Problem(HttpStatusCode.Forbidden);
        Assert.Equal(before, (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count);
    }

    /// <summary>
    /// R8. A fact's hash covers its whole content: with it, the responsible social worker, who has not confirmed a
    /// psychiatric entry, could recover a structured entry (a diagnosis code) by hashing guesses. Hashes are the auditors'.
    /// </summary>
    [Fact]
    public async Task R8_the_history_of_the_responsible_social_worker_carries_no_hash_to_guess_against()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        await path.RelatedThroughTeam(Caller.FamilyWorker()); // the path's social worker is responsible: reads the history
        var invitation = await path.Invite("child-psychiatry");
        var secret = "F32.2";
        await (await host.ClientFor(Caller.Psychiatrist()).PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions", new
        {
            invitationId = invitation, childIds = path.ChildIds, summary = secret, category = "psychiatric-entry", legalBasis = "atl-53-5",
        })).Ok(HttpStatusCode.Created);

        var history = (await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/history")).Ok()).AsArray();
        var entry = history.Single(e => e!["type"]!.GetValue<string>() == "ContributionRecorded")!;
        Assert.Equal("confirmation-required", entry["data"]!["reason"]!.GetValue<string>());
        Assert.DoesNotContain(secret, entry.ToJsonString(), StringComparison.Ordinal);

        Assert.All(history, e => Assert.Null(e!["hash"]));
        Assert.All(history, e => Assert.Null(e!["previousHash"]));
        Assert.Null((await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/integrity")).Ok())["headHash"]);
        // The auditor has the chain.
        var audited = (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{path.FamilyId}/history")).Ok()).AsArray();
        Assert.All(audited, e => Assert.Equal(64, e!["hash"]!.GetValue<string>().Length));
    }

    /// <summary>
    /// R9. docs/sharing.md §1: a coordinator relates to families through a team only; a child-psychiatry office coordinator
    /// in no team is not related through an agency-wide invitation.
    /// </summary>
    [Fact]
    public async Task R9_a_coordinator_in_no_team_is_not_related_through_an_agency_wide_invitation()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var invitation = await path.Invite("child-psychiatry");
        var marker = Marker("PSYCHIATRIC-ENTRY");
        await (await host.ClientFor(Caller.Psychiatrist()).PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions", new
        {
            invitationId = invitation, childIds = path.ChildIds, summary = marker, category = "psychiatric-entry", legalBasis = "own-agency",
        })).Ok(HttpStatusCode.Created);
        var coordinator = new Caller($"co-{Guid.NewGuid():N}"[..12], "Kalle Koordinaattori", Orgs.Pirkanmaa, "child-psychiatry", "coordinator");
        var refused = await (await host.ClientFor(coordinator).GetAsync($"/api/families/{path.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(marker, refused.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// R10. A family-work caseworker related only through an invitation cannot move the family into their own team and name
    /// its responsible social worker (LsL 13 b §): that is a social worker's decision (docs/sharing.md §6).
    /// </summary>
    [Fact]
    public async Task R10_a_related_family_worker_cannot_pull_the_family_into_their_own_team()
    {
        var worker = Caller.SocialWorker();
        var path = await new StatutoryPath(host, worker).OpenAssessment(children: 1);
        await path.RelatedThroughTeam(Caller.FamilyWorker()); // team A, the path's social worker responsible
        await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/history")).Ok();
        await path.Invite("family-work");

        var familyWorker = Caller.FamilyWorker(); // related only through the invitation
        var otherWorker = Caller.SocialWorker();
        await host.ClientFor(otherWorker).GetAsync("/api/teams"); // signs in once: known to the directory
        var kuraattori = Caller.Kuraattori();
        var consultant = new Caller($"csw-{Guid.NewGuid():N}"[..12], "Kaija Konsultoiva", worker.Org, "social-work", "consultant-social-worker");
        var lead = host.ClientFor(consultant);
        var teamB = Guid.Parse((await (await lead.PostJson("/api/teams", new { name = "Tiimi B" })).Ok(HttpStatusCode.Created))["teamId"]!.GetValue<string>());
        foreach (var (who, role) in new[] { (familyWorker, "clinician"), (otherWorker, "social-worker"), (kuraattori, "clinician") })
        {
            await (await lead.PostJson($"/api/teams/{teamB}/members", new { professionalId = who.Id, name = who.Name, role })).Ok(HttpStatusCode.Created);
        }
        await (await host.ClientFor(kuraattori).GetAsync($"/api/families/{path.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);

        var before = (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count;
        await (await host.ClientFor(familyWorker).PostJson($"/api/teams/{teamB}/families",
            new { familyId = path.FamilyId, responsibleSocialWorkerId = otherWorker.Id })).Problem(HttpStatusCode.Forbidden);
        Assert.Equal(before, (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count);
        await (await host.ClientFor(kuraattori).GetAsync($"/api/families/{path.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);
        await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/history")).Ok();
    }

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>R7. A deadline-list cursor whose key part holds a NUL (it reached PostgreSQL: 22021, a 500) is a 400.</summary>
    [Fact]
    public async Task R7_a_deadline_cursor_that_is_not_the_services_is_a_400()
    {
        foreach (var key in new[] { "a\0b", "assessment-decision:not-a-guid", "" })
        {
            var response = await host.ClientFor(Caller.Kuraattori()).GetAsync($"/api/deadlines?cursor={Base64Url($"2026-01-01|{Guid.NewGuid():N}|{key}")}");
            var problem = await response.Problem(HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]!["cursor"]);
        }
    }
}
