using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Coordination.IntegrationTests.SystemicTeams;
using Marten;

namespace Coordination.IntegrationTests.Consent;

/// <summary>
/// The side doors issue 15 found open, each as it was reproduced, now closed: history, a sibling's consent, the deadline
/// list, idempotent replays, notifiers, duplicates, a withdrawal dated ahead, hearings and conclusions, roles, the
/// 30-children limit, purposes. Expected values are written out here from docs/sharing.md.
/// </summary>
public sealed class SideDoors(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static string Marker(string what) => $"{what}-{Guid.NewGuid():N}";

    private async Task<Guid> ContributeAsync(StatutoryPath path, Caller who, Guid invitation, string category, string basis, string marker,
        IEnumerable<Guid>? about = null)
    {
        var body = await (await host.ClientFor(who).PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions", new
        {
            invitationId = invitation, childIds = about ?? path.ChildIds, summary = marker, observations = $"{marker} observed", category, legalBasis = basis,
        })).Ok(HttpStatusCode.Created);
        return Guid.Parse(body["contributionId"]!.GetValue<string>());
    }

    private async Task<JsonArray> LogAsync(Guid familyId, string professionalId) =>
        (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?familyId={familyId}&professionalId={professionalId}")).Ok()).AsArray();

    /// <summary>A family of two children, 14 and 8, with a guardian, on an open assessment led by its social worker.</summary>
    private async Task<StatutoryPath> SiblingsAsync()
    {
        var path = new StatutoryPath(host, Caller.SocialWorker());
        var registered = await (await path.SocialWork.PostJson("/api/families", new
        {
            children = new[] { new { personId = TestPeople.Born(2012, 3, 1), name = "Aino" }, new { personId = TestPeople.Born(2018, 3, 1), name = "Eino" } },
            guardians = new[] { new { personId = TestPeople.Born(1985, 6, 1), name = "Maria", relation = "mother" } },
        })).Ok(HttpStatusCode.Created);
        path.ForFamily(Guid.Parse(registered["familyId"]!.GetValue<string>()));
        path.ChildIds.AddRange(registered["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())));
        return await (await (await path.WithConcern()).UrgencyAssessed()).AssessmentStarted();
    }

    [Fact]
    public async Task Finding_1_history_shows_the_responsible_social_worker_what_the_picture_shows_and_logs_each_disclosure()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        await path.RelatedThroughTeam(Caller.FamilyWorker()); // allocated: the path's social worker is the responsible one
        var psychiatrist = Caller.Psychiatrist();
        var invitation = await path.Invite("child-psychiatry");
        var ownAgency = Marker("OWN-AGENCY-ENTRY");
        var gated = Marker("GATED-ENTRY");
        var shared = Marker("SHARED-NOTE");
        var ownAgencyId = await ContributeAsync(path, psychiatrist, invitation, "psychiatric-entry", "own-agency", ownAgency);
        var gatedId = await ContributeAsync(path, psychiatrist, invitation, "psychiatric-entry", "atl-53-5", gated);
        var sharedId = await ContributeAsync(path, psychiatrist, invitation, "general", "atl-53-5", shared);

        var response = await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/history");
        var text = await response.Content.ReadAsStringAsync();
        var history = (await response.Ok()).AsArray();

        Assert.DoesNotContain(ownAgency, text, StringComparison.Ordinal);
        Assert.DoesNotContain(gated, text, StringComparison.Ordinal);
        Assert.Contains(shared, text, StringComparison.Ordinal);
        JsonNode Fact(Guid id) => history.Single(e => e!["data"]!["contributionId"]?.GetValue<string>() == id.ToString())!["data"]!;
        Assert.Equal("no-consent", Fact(ownAgencyId)["reason"]!.GetValue<string>());
        Assert.Equal("confirmation-required", Fact(gatedId)["reason"]!.GetValue<string>());
        Assert.Null(Fact(gatedId)["summary"]);
        // The use, and the one datum of another agency it showed: each with its entry.
        var log = await LogAsync(path.FamilyId, path.SocialWorker.Id);
        Assert.Contains(log, e => e!["data"]!.GetValue<string>() == "history" && e["kind"]!.GetValue<string>() == "use");
        var disclosed = log.Where(e => e!["kind"]!.GetValue<string>() == "disclosure").Select(e => e!["data"]!.GetValue<string>()).ToList();
        Assert.Contains($"contribution:{sharedId}", disclosed);
        Assert.DoesNotContain($"contribution:{gatedId}", disclosed);

        // An auditor reads it in full, and every datum shown is a disclosure with the basis audit.
        var auditor = Caller.Auditor();
        var full = await (await host.ClientFor(auditor).GetAsync($"/api/families/{path.FamilyId}/history")).Content.ReadAsStringAsync();
        Assert.Contains(ownAgency, full, StringComparison.Ordinal);
        Assert.Contains(gated, full, StringComparison.Ordinal);
        var audited = await LogAsync(path.FamilyId, auditor.Id);
        Assert.Contains(audited, e => e!["data"]!.GetValue<string>() == $"contribution:{ownAgencyId}" && e["basis"]!.GetValue<string>() == "audit");
    }

    [Fact]
    public async Task Finding_2_a_childs_consent_opens_that_childs_psychiatric_entry_and_not_the_siblings()
    {
        var path = await SiblingsAsync();
        var (older, younger) = (path.ChildIds[0], path.ChildIds[1]);
        var psychiatrist = Caller.Psychiatrist();
        var psychiatry = await path.Invite("child-psychiatry");
        var kuraattori = Caller.Kuraattori();
        await path.InvitedByName(kuraattori);
        var olderEntry = await ContributeAsync(path, psychiatrist, psychiatry, "psychiatric-entry", "consent", Marker("OLDER"), [older]);
        var youngerMarker = Marker("YOUNGER");
        var youngerEntry = await ContributeAsync(path, psychiatrist, psychiatry, "psychiatric-entry", "consent", youngerMarker, [younger]);
        // The 14-year-old consents, for themself, to school welfare seeing psychiatric entries.
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", new
        {
            givenBy = older, recipients = new[] { "school-welfare" }, dataCategories = new[] { "psychiatric-entries" }, purpose = "pupil-welfare",
        })).Ok(HttpStatusCode.Created);
        var school = host.ClientFor(kuraattori);
        var confirmation = new { purpose = "pupil-welfare", justification = "The expert group plans support." };
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;

        var refused = await (await school.PostJson($"/api/families/{path.FamilyId}/contributions/{youngerEntry}/confirmations", confirmation))
            .Problem(HttpStatusCode.Forbidden);
        Assert.DoesNotContain(youngerMarker, refused.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
        var picture = await (await school.GetAsync($"/api/families/{path.FamilyId}/picture")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(youngerMarker, picture, StringComparison.Ordinal);

        var confirmed = await (await school.PostJson($"/api/families/{path.FamilyId}/contributions/{olderEntry}/confirmations", confirmation)).Ok();
        Assert.StartsWith("consent:", confirmed["sharedUnder"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding_3_the_deadline_list_shows_only_the_families_the_caller_works_with()
    {
        var path = await (await (await new StatutoryPath(host, Caller.SocialWorker()).Registered()).WithConcern()).UrgencyAssessed();
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/decision",
            new { decision = "no-assessment-needed", decidedAt = StatutoryPath.Now(), reason = "Support is in place." })).Ok();
        var stranger = host.ClientFor(Caller.SocialWorker());
        await (await stranger.GetAsync($"/api/families/{path.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);

        static IEnumerable<string> Families(JsonNode list) => list.AsArray().Select(d => d!["familyId"]!.GetValue<string>());
        Assert.DoesNotContain(path.FamilyId.ToString(), Families(await (await stranger.GetAsync("/api/deadlines?limit=200")).Ok()));
        Assert.DoesNotContain(path.FamilyId.ToString(), Families(await (await host.ClientFor(Caller.Kuraattori()).GetAsync("/api/deadlines?limit=200")).Ok()));
        Assert.Contains(path.FamilyId.ToString(), Families(await (await path.SocialWork.GetAsync("/api/deadlines?state=met&limit=200")).Ok()));
        // A social-work admin sees the organisation's, and that read is use-logged per family.
        var admin = SchoolSystem.Admin();
        var all = new List<string>();
        var next = "/api/deadlines?state=met&limit=2";
        while (next is not null)
        {
            var page = await host.ClientFor(admin).GetAsync(next);
            all.AddRange(Families(await page.Ok()));
            next = page.Headers.TryGetValues("Link", out var link) ? link.Single().Split('<', '>')[1] : null;
        }
        Assert.Contains(path.FamilyId.ToString(), all);
        Assert.Contains(await LogAsync(path.FamilyId, admin.Id), e => e!["data"]!.GetValue<string>() == "deadline-list");
    }

    [Fact]
    public async Task Finding_4_an_idempotent_replay_checks_the_relationship_again_and_keeps_no_client_data()
    {
        // A write repeated after the relationship ended: 404, and nothing written. Team work names nobody, so the clinician's
        // relationship is the membership alone (docs/sharing.md §1).
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync();
        var discussion = new { teamId = team.TeamId, participantIds = new[] { team.Clinician.Id }, reflections = "Mornings are calmer." };
        var key = Guid.NewGuid().ToString();
        var clinician = team.As(team.Clinician);
        Task<HttpResponseMessage> Discuss() =>
            clinician.PostJson($"/api/families/{family.FamilyId}/systemic-discussions", discussion, r => r.Headers.Add("Idempotency-Key", key));
        await (await Discuss()).Ok(HttpStatusCode.Created);
        await (await Discuss()).Ok(HttpStatusCode.Created); // the same answer while the relationship lasts
        await (await team.As(team.Consultant).DeleteAsync($"/api/teams/{team.TeamId}/members/{team.Clinician.Id}")).Ok();
        var written = (await host.EventsOf(Orgs.Pirkanmaa, family.FamilyId)).Count;
        await (await Discuss()).Problem(HttpStatusCode.NotFound);
        Assert.Equal(written, (await host.EventsOf(Orgs.Pirkanmaa, family.FamilyId)).Count);

        // A confirmation's answer is the psychiatric entry: not kept, rendered again, and refused once the consent is gone.
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var marker = Marker("ENTRY-UNDER-CONSENT");
        var entry = await ContributeAsync(path, Caller.Psychiatrist(), await path.Invite("child-psychiatry"), "psychiatric-entry", "consent", marker);
        var guardianId = (await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["guardians"]![0]!["id"]!.GetValue<string>();
        var given = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", new
        {
            givenBy = guardianId, recipients = new[] { "social-work" }, dataCategories = new[] { "psychiatric-entries" }, purpose = "service-need-assessment",
        })).Ok(HttpStatusCode.Created);
        var confirmation = new { purpose = "service-need-assessment", justification = "The assessment needs it." };
        var confirmKey = Guid.NewGuid().ToString();
        Task<HttpResponseMessage> Confirm() => path.SocialWork.PostJson($"/api/families/{path.FamilyId}/contributions/{entry}/confirmations", confirmation,
            r => r.Headers.Add("Idempotency-Key", confirmKey));
        var first = await (await Confirm()).Ok();
        Assert.Contains(marker, first.ToJsonString(), StringComparison.Ordinal);
        await using (var session = host.Store.QuerySession(path.SocialWorker.Org))
        {
            var stored = await session.Query<Coordination.Writing.IdempotencyRecord>().Where(r => r.FamilyId == path.FamilyId).ToListAsync();
            Assert.NotEmpty(stored);
            Assert.All(stored, r => Assert.DoesNotContain(marker, r.Body, StringComparison.Ordinal));
        }
        var again = await (await Confirm()).Ok();
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        Assert.Equal(2, (await LogAsync(path.FamilyId, path.SocialWorker.Id))
            .Count(e => e!["kind"]!.GetValue<string>() == "disclosure" && e["data"]!.GetValue<string>() == $"contribution:{entry}"
                        && e["justification"]?.GetValue<string>() == "The assessment needs it."));

        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents/{given["consentId"]!.GetValue<string>()}/withdrawal",
            new { reason = "The mother withdrew it." })).Ok();
        var events = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        var afterWithdrawal = await (await Confirm()).Problem(HttpStatusCode.Forbidden);
        Assert.DoesNotContain(marker, afterWithdrawal.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(events, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
    }

    [Fact]
    public async Task Finding_5_a_notifier_learns_the_receipt_and_the_status_and_nothing_of_the_family()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        var kuraattori = Caller.Kuraattori();
        var school = host.ClientFor(kuraattori);
        var before = await host.EventCount(Orgs.Pirkanmaa);
        // The family route is for those who already work with the family: it neither takes the concern nor relates anyone.
        await (await school.PostJson($"/api/families/{path.FamilyId}/concerns", StatutoryPath.SchoolNotification(path.ChildIds, StatutoryPath.Now())))
            .Problem(HttpStatusCode.NotFound);
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));

        var concernId = await path.Notified(school);
        await (await school.GetAsync($"/api/families/{path.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);
        var status = await (await school.GetAsync($"/api/concerns/{concernId}")).Ok();
        Assert.Equal(["concernId", "receivedAt", "status"], status.AsObject().Select(p => p.Key));
        Assert.Equal("received", status["status"]!.GetValue<string>());
        await path.UrgencyAssessed();
        Assert.Equal("being-processed", (await (await school.GetAsync($"/api/concerns/{concernId}")).Ok())["status"]!.GetValue<string>());
        await path.AssessmentStarted();
        var decided = await (await school.GetAsync($"/api/concerns/{concernId}")).Ok();
        Assert.Equal("decided", decided["status"]!.GetValue<string>());
        Assert.True(decided["ledToAction"]!.GetValue<bool>()); // a duty-holder is told whether it led to action (LsL 25 §)
        Assert.DoesNotContain(path.FamilyId.ToString(), decided.ToJsonString(), StringComparison.Ordinal);

        // Someone else's concern is 404 to a notifier, as is an unknown one; the social worker sees the concern itself.
        await (await host.ClientFor(Caller.Kuraattori()).GetAsync($"/api/concerns/{concernId}")).Problem(HttpStatusCode.NotFound);
        await (await school.GetAsync($"/api/concerns/{Guid.NewGuid()}")).Problem(HttpStatusCode.NotFound);
        var seen = await (await path.SocialWork.GetAsync($"/api/concerns/{concernId}")).Ok();
        Assert.Equal(path.FamilyId.ToString(), seen["familyId"]!.GetValue<string>());
        Assert.NotNull(seen["concern"]!["description"]);
        Assert.DoesNotContain((await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["professionals"]!.AsArray(),
            p => p!["professionalId"]!.GetValue<string>() == kuraattori.Id);
        // Search by identity code is social work's tool.
        await (await school.PostJson("/api/families/search", new { personId = path.ChildCodes[0] })).Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Finding_5_bad_notifications_are_answered_and_write_nothing_and_an_unknown_child_waits_for_social_work()
    {
        var school = host.ClientFor(Caller.Kuraattori());
        var notification = RouteCatalogue.Notification("010516B902X"); // a check character that is wrong
        var before = await host.EventCount(Orgs.Pirkanmaa);
        var invalid = await (await school.PostJson("/api/concerns", notification)).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["child.personId"]);
        Assert.DoesNotContain("010516B902X", invalid.ToJsonString(), StringComparison.Ordinal);
        await (await school.PostJson("/api/concerns", new { kind = "child-welfare-notification" })).Problem(HttpStatusCode.BadRequest);
        await (await school.PostJson("/api/concerns", """{"child":{"name":"Aino","birthDate":"2016-05-01"},"extra":1}""")).Problem(HttpStatusCode.BadRequest);
        await (await host.ClientFor(Caller.Auditor()).PostJson("/api/concerns", RouteCatalogue.Notification(TestPupil.New().PersonId)))
            .Problem(HttpStatusCode.Forbidden);
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));

        // A child no family holds: the same receipt; the intake's social worker sees it waiting.
        var receipt = await (await school.PostJson("/api/concerns", RouteCatalogue.Notification(TestPupil.New().PersonId))).Ok(HttpStatusCode.Accepted);
        var id = receipt["concernId"]!.GetValue<string>();
        var intake = host.ClientFor(Caller.SocialWorker());
        JsonNode? waiting = null;
        for (var i = 0; i < 100 && waiting is null; i++)
        {
            waiting = (await (await intake.GetAsync("/api/intake?status=unmatched&limit=200")).Ok()).AsArray().FirstOrDefault(n => n!["concernId"]!.GetValue<string>() == id);
            await Task.Delay(waiting is null ? 50 : 0);
        }
        Assert.NotNull(waiting);
        await (await intake.GetAsync("/api/intake?status=placed")).Problem(HttpStatusCode.BadRequest);
        await (await school.GetAsync("/api/intake?status=unmatched")).Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Finding_5_a_social_worker_places_an_unmatched_notification_and_bad_placements_write_nothing()
    {
        var notifier = host.ClientFor(Caller.Kuraattori());
        var pupil = TestPupil.New();
        var id = Guid.Parse((await (await notifier.PostJson("/api/concerns", RouteCatalogue.Notification(pupil.PersonId))).Ok(HttpStatusCode.Accepted))
            ["concernId"]!.GetValue<string>());
        var worker = Caller.SocialWorker();
        var social = host.ClientFor(worker);
        for (var i = 0; i < 100 && !(await (await social.GetAsync($"/api/concerns/{id}")).Ok())["status"]!.GetValue<string>().Equals("unmatched", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }
        var (elsewhere, elsewhereChild) = await TestPupil.New().RegisterFamilyAsync(social);
        var before = await host.EventCount(Orgs.Pirkanmaa);
        var link = $"/api/intake/{id}/link";

        var notTheChild = await (await social.PostJson(link, new { familyId = elsewhere })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/child-not-in-family", notTheChild["type"]!.GetValue<string>());
        var wrongCode = await (await social.PostJson(link, new { familyId = elsewhere, childId = elsewhereChild })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/not-the-child", wrongCode["type"]!.GetValue<string>());
        await (await social.PostJson(link, new { familyId = elsewhere, childId = Guid.NewGuid() })).Problem(HttpStatusCode.BadRequest);
        await (await social.PostJson(link, new { familyId = Guid.NewGuid() })).Problem(HttpStatusCode.NotFound);
        await (await social.PostJson($"/api/intake/{Guid.NewGuid()}/link", new { familyId = elsewhere })).Problem(HttpStatusCode.NotFound);
        await (await social.PostJson(link, new { })).Problem(HttpStatusCode.BadRequest);
        await (await notifier.PostJson(link, new { familyId = elsewhere })).Problem(HttpStatusCode.Forbidden);
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));

        // Placed on the pupil's family once registered: the concern's clock ran from the notification's receipt.
        var (familyId, childId) = await pupil.RegisterFamilyAsync(social);
        var placed = await (await social.PostJson(link, new { familyId })).Ok();
        Assert.Equal("placed", placed["status"]!.GetValue<string>());
        var concern = Assert.Single((await (await social.GetAsync($"/api/families/{familyId}/picture")).Ok())["concerns"]!.AsArray())!;
        Assert.Equal(id.ToString(), concern["concernId"]!.GetValue<string>());
        Assert.Equal(childId.ToString(), concern["childIds"]![0]!.GetValue<string>());
        var again = await (await social.PostJson(link, new { familyId })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/not-unmatched", again["type"]!.GetValue<string>());
        Assert.Equal("received", (await (await notifier.GetAsync($"/api/concerns/{id}")).Ok())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Finding_6_registering_a_family_that_exists_is_a_possible_duplicate_unless_it_is_a_separate_household()
    {
        var worker = host.ClientFor(Caller.SocialWorker());
        var child = TestPeople.Born(2015, 2, 3);
        object Family(object? separateHousehold = null) => new
        {
            children = new[] { new { personId = child, name = "Aino" } },
            guardians = new[] { new { personId = TestPeople.Born(1980, 1, 1), name = "Maria", relation = "mother" } },
            separateHousehold,
        };
        var first = Guid.Parse((await (await worker.PostJson("/api/families", Family())).Ok(HttpStatusCode.Created))["familyId"]!.GetValue<string>());
        var before = await host.EventCount(Orgs.Pirkanmaa);

        var duplicate = await (await worker.PostJson("/api/families", Family())).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/possible-duplicate", duplicate["type"]!.GetValue<string>());
        Assert.Equal([first.ToString()], duplicate["existingFamilyIds"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
        await (await worker.PostJson("/api/families", Family(new { reason = "" }))).Problem(HttpStatusCode.BadRequest);

        var separate = await (await worker.PostJson("/api/families", Family(new { reason = "The father's household; the parents live apart." })))
            .Ok(HttpStatusCode.Created);
        var events = await host.EventsOf(Orgs.Pirkanmaa, Guid.Parse(separate["familyId"]!.GetValue<string>()));
        var recorded = Assert.IsType<Coordination.Families.SeparateHouseholdRegistered>(events[1].Data);
        Assert.Equal([first], recorded.ExistingFamilyIds);

        // A school system sending about this pupil, now held by two families, learns only that its message was taken in.
        var system = await SchoolSystem.RegisterAsync(host);
        var messageId = SchoolMessagesFor.NewId();
        await system.AcceptedAsync(SchoolMessagesFor.WelfareConcern(child, messageId));
        Assert.Equal("unmatched", (await system.SettledAsync(messageId))["status"]!.GetValue<string>());
        var toSender = await system.StatusAsync(messageId);
        Assert.Equal("processed", toSender["status"]!.GetValue<string>());
        Assert.Null(toSender["familyId"]);
        Assert.DoesNotContain("2", toSender["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding_7_a_withdrawal_dated_ahead_is_refused_and_sharing_goes_on_only_until_it_is_recorded()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        var guardian = (await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["guardians"]![0]!["id"]!.GetValue<string>();
        var consentId = (await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", new
        {
            givenBy = guardian, recipients = new[] { "family-work" }, dataCategories = new[] { "assessment-contributions" }, purpose = "family-work",
        })).Ok(HttpStatusCode.Created))["consentId"]!.GetValue<string>();
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;

        var ahead = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents/{consentId}/withdrawal",
            new { withdrawnAt = DateTimeOffset.UtcNow.AddMinutes(3), reason = "Later." })).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(ahead["errors"]!["withdrawnAt"]);
        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);

        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents/{consentId}/withdrawal", new { reason = "Now." })).Ok();
        Assert.Empty((await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["consentsInForce"]!.AsArray());
    }

    [Fact]
    public async Task Finding_8_hearings_and_the_conclusion_are_social_works_record_not_shown_to_the_other_agencies()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        await path.Invite("child-psychiatry");
        var familyWorker = Caller.FamilyWorker();
        await path.RelatedThroughTeam(familyWorker);
        var views = Marker("CHILD-VIEWS");
        var summary = Marker("CONCLUSION-SUMMARY");
        var opinion = Marker("CLIENT-OPINION");
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/child-hearings",
            new { childId = path.ChildIds[0], heardAt = StatutoryPath.Now(), method = "in-person", views })).Ok(HttpStatusCode.Created);
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/conclusion", new
        {
            outcome = "social-welfare-services", summary, clientOpinion = opinion, namedWorkerNeeded = false, concludedAt = StatutoryPath.Now(),
        })).Ok();

        foreach (var other in new[] { host.ClientFor(Caller.Psychiatrist()), host.ClientFor(familyWorker) })
        {
            var picture = await (await other.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
            var text = picture.ToJsonString();
            Assert.DoesNotContain(views, text, StringComparison.Ordinal);
            Assert.DoesNotContain(summary, text, StringComparison.Ordinal);
            Assert.DoesNotContain(opinion, text, StringComparison.Ordinal);
            var past = picture["pastAssessments"]![0]!;
            Assert.Equal("social-welfare-services", past["conclusion"]!["outcome"]!.GetValue<string>()); // the frame: what was decided
            Assert.True(past["conclusion"]!["withheld"]!.GetValue<bool>());
            Assert.True(past["hearings"]![0]!["withheld"]!.GetValue<bool>());
            Assert.Equal("in-person", past["hearings"]![0]!["method"]!.GetValue<string>());
        }
        var own = (await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok()).ToJsonString();
        Assert.Contains(views, own, StringComparison.Ordinal);
        Assert.Contains(summary, own, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding_9_only_a_social_worker_makes_the_statutory_decisions_and_only_a_social_worker_is_named_responsible()
    {
        var path = await (await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1)).WithConcern();
        var coordinator = new Caller($"co-{Guid.NewGuid():N}"[..12], "Kalle Koordinaattori", Orgs.Pirkanmaa, "social-work", "coordinator");
        var noRole = new Caller($"nr-{Guid.NewGuid():N}"[..12], "Nimetön", Orgs.Pirkanmaa, "social-work");
        var url = $"/api/families/{path.FamilyId}/concerns/{path.ConcernId}/urgency";
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        // The coordinator is related through the family's team; a token without a role relates to nothing.
        await path.RelatedThroughTeam(coordinator, "coordinator");
        var afterTeam = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        Assert.Equal(before + 1, afterTeam); // the allocation
        var urgency = new { urgent = false, assessedAt = StatutoryPath.Now(), reasoning = "Not urgent." };
        await (await host.ClientFor(coordinator).PostJson(url, urgency)).Problem(HttpStatusCode.Forbidden);
        await (await host.ClientFor(noRole).PostJson(url, urgency)).Problem(HttpStatusCode.NotFound);
        await (await host.ClientFor(coordinator).PostJson("/api/families", Scenarios.AFamily())).Problem(HttpStatusCode.Forbidden);
        Assert.Equal(afterTeam, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);

        // A conclusion naming a family worker (known to the service: they have signed in) as the responsible social worker.
        await (await path.UrgencyAssessed()).AssessmentStarted();
        await path.HearAll();
        var familyWorker = Caller.FamilyWorker();
        await (await host.ClientFor(familyWorker).GetAsync("/api/teams")).Ok();
        var conclusion = new
        {
            outcome = "child-protection-client", summary = "Open care.", clientOpinion = "Agrees.", namedWorkerNeeded = true,
            responsibleSocialWorkerId = familyWorker.Id, concludedAt = StatutoryPath.Now(),
        };
        var events = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        var refused = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/conclusion", conclusion))
            .Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/not-a-social-worker", refused["type"]!.GetValue<string>());
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/conclusion",
            conclusion with { responsibleSocialWorkerId = $"never-signed-in-{Guid.NewGuid():N}" })).Problem(HttpStatusCode.Conflict);
        Assert.Equal(events, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
        await (await host.ClientFor(familyWorker).GetAsync($"/api/families/{path.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Finding_10_adding_a_child_cannot_take_the_responsible_worker_past_thirty_children()
    {
        var team = await TeamScenario.FormedAsync(host);
        var worker = team.As(team.Worker);
        async Task<Guid> FamilyOf(int children)
        {
            var body = await (await worker.PostJson("/api/families", new
            {
                children = Enumerable.Range(0, children).Select(i => new { name = $"Lapsi {i}", birthDate = $"2015-01-{i + 1:00}" }).ToArray(),
                guardians = new[] { new { personId = TestPeople.Born(1980, 2, 2), name = "Maria", relation = "mother" } },
            })).Ok(HttpStatusCode.Created);
            var familyId = Guid.Parse(body["familyId"]!.GetValue<string>());
            await (await team.Allocate(familyId, team.Worker.Id)).Ok();
            return familyId;
        }
        await FamilyOf(20);
        var second = await FamilyOf(10); // the worker now holds 30 children
        var before = (await host.EventsOf(Orgs.Pirkanmaa, second)).Count;

        var refused = await (await worker.PostJson($"/api/families/{second}/children", new { name = "Uusi", birthDate = "2026-01-01" }))
            .Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/caseload-limit", refused["type"]!.GetValue<string>());
        Assert.Equal(before, (await host.EventsOf(Orgs.Pirkanmaa, second)).Count);
    }

    [Fact]
    public async Task Finding_11_an_unknown_purpose_is_refused_naming_the_valid_ones()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        var auditor = host.ClientFor(Caller.Auditor());
        foreach (var (client, url) in new[]
                 {
                     (path.SocialWork, $"/api/families/{path.FamilyId}/picture"), (path.SocialWork, "/api/deadlines"),
                     (auditor, $"/api/families/{path.FamilyId}/history"), (auditor, "/api/audit/access-log"),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("X-Access-Purpose", "curiosity");
            var problem = await (await client.SendAsync(request)).Problem(HttpStatusCode.BadRequest);
            var message = problem["errors"]!["X-Access-Purpose"]![0]!.GetValue<string>();
            Assert.Contains("client-work", message, StringComparison.Ordinal);
            Assert.Contains("audit", message, StringComparison.Ordinal);
        }
    }
}
