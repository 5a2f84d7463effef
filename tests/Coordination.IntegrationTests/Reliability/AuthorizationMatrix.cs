using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Coordination.IntegrationTests.SystemicTeams;
using Marten;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// Every route of the OpenAPI document, called by every kind of caller: nobody, the family's own social worker, members of
/// its team, colleagues of its organisation without a relationship, another agency, the same person in another county,
/// auditors of both counties, an admin, an integration client. Each answer must be the one the rules give (docs/sharing.md,
/// docs/systemic-teams.md, docs/audit.md, docs/integration/school-welfare.md); no refusal may write anything. A route
/// the table does not know fails the test, so a new route cannot go unchecked.
/// </summary>
public sealed class AuthorizationMatrix(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    /// <summary>What a caller must be answered: <see cref="Allowed"/> is any 2xx, or a 409 when an earlier allowed call
    /// already did what this one asks (a second conclusion, a second withdrawal).</summary>
    private const int Allowed = 0;

    private sealed record Profile(string Name, Caller? Who);

    private sealed record Route(string Method, string Template, Func<string, int> Expect, Func<Profile, string> Url, Func<object?> Body);

    [Fact]
    public async Task Every_route_answers_every_caller_as_the_rules_say_and_no_refusal_writes_anything()
    {
        var team = await TeamScenario.FormedAsync(host);
        var path = await team.AllocatedFamilyAsync(children: 1, before: async p => await (await (await p.WithConcern()).UrgencyAssessed()).AssessmentStarted());
        var owner = team.Worker;
        var ownerClient = host.ClientFor(owner);
        var picture = await (await ownerClient.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        var guardianId = picture["guardians"]![0]!["id"]!.GetValue<string>();
        var consentId = (await (await ownerClient.PostJson($"/api/families/{path.FamilyId}/consents", new
        {
            givenBy = guardianId, recipients = new[] { "school-welfare" }, dataCategories = new[] { "assessment-contributions" },
            purpose = "service-need-assessment", validUntil = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(30)),
        })).Ok(HttpStatusCode.Created))["consentId"]!.GetValue<string>();
        var contributionId = (await (await ownerClient.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, legalBasis: "own-agency"))).Ok(HttpStatusCode.Created))["contributionId"]!.GetValue<string>();
        var discussed = await team.Discuss(path.FamilyId,
            actions: new[] { new { description = "Meet the school nurse.", ownerId = team.Clinician.Id, dueBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(7)) } });
        var actionId = discussed["actionIds"]![0]!.GetValue<string>();
        var meetingId = await team.ScheduleMeeting(DateTimeOffset.UtcNow.AddDays(3));
        var school = await SchoolSystem.RegisterAsync(host);
        var messageId = SchoolMessagesFor.NewId();
        await school.AcceptedAsync(SchoolMessagesFor.WelfareConcern(TestPupil.New().PersonId, messageId));
        Assert.Equal("unmatched", (await school.SettledAsync(messageId, until: "unmatched"))["status"]!.GetValue<string>());

        var profiles = new List<Profile>
        {
            new("anonymous", null),
            new("owner", owner),                     // registered the family, its responsible social worker, a team member
            new("member", team.Clinician),           // family work, a member of the family's team
            new("lead", team.Consultant),            // formed the team: consultant social worker and member
            new("colleague", Caller.SocialWorker()), // social work of the same county, no relationship
            new("psychiatrist", Caller.Psychiatrist()),
            new("foreign", owner with { Org = Orgs.Uusimaa }), // the same sub and claims, another county
            new("auditor", Caller.Auditor()),
            new("foreign-auditor", Caller.Auditor(Orgs.Uusimaa)),
            new("admin", SchoolSystem.Admin()),
            new("integration", new Caller("int-matrix", "Integraatio", Orgs.Pirkanmaa, "integration", "integration-client")),
        };
        // Members added so that each caller allowed to end a membership ends one of its own, and a refused one has one to try.
        foreach (var name in new[] { "lead", "admin", "refused" })
        {
            await team.AddMember(new Caller($"extra-{name}", "Extra", Orgs.Pirkanmaa, "social-work", "caseworker"), "social-worker");
        }

        var f = $"/api/families/{path.FamilyId}";
        var t = $"/api/teams/{team.TeamId}";
        const string messages = "/api/integrations/school-welfare/messages";
        const string senders = "/api/integrations/school-welfare/senders";
        var now = StatutoryPath.Now();
        var routes = new List<Route>
        {
            Post("/api/families", Caseworking, _ => "/api/families", () => Scenarios.AFamily()),
            Post("/api/families/search", Caseworking, _ => "/api/families/search", () => new { personId = "010516B902W" }),
            Get("/api/deadlines", Caseworking, _ => "/api/deadlines"),
            Post("/api/families/{familyId}/children", Related, _ => $"{f}/children", () => new { name = "Vauva", birthDate = "2026-01-01" }),
            Post("/api/families/{familyId}/concerns", p => p switch
            {
                "anonymous" => 401,
                "foreign" => 404,
                "auditor" or "integration" or "foreign-auditor" => 404,
                _ => Allowed, // anyone with a duty to notify: raising a concern needs no relationship
            }, _ => $"{f}/concerns", () => StatutoryPath.SchoolNotification(path.ChildIds, now)),
            Post("/api/families/{familyId}/concerns/{concernId}/decision", SocialWorkOnTheFamily, _ => $"{f}/concerns/{path.ConcernId}/decision",
                () => new { decision = "start-assessment", decidedAt = now, childAndGuardianInformedAt = now }),
            Post("/api/families/{familyId}/concerns/{concernId}/urgency", SocialWorkOnTheFamily, _ => $"{f}/concerns/{path.ConcernId}/urgency",
                () => new { urgent = false, assessedAt = now, reasoning = "No immediate danger." }),
            Post("/api/families/{familyId}/assessments/{assessmentId}/child-hearings", SocialWorkOnTheFamily, _ => $"{f}/assessments/{path.AssessmentId}/child-hearings",
                () => new { childId = path.ChildIds[0], heardAt = now, method = "in-person", views = "Wants to stay at home." }),
            Post("/api/families/{familyId}/assessments/{assessmentId}/conclusion", SocialWorkOnTheFamily, _ => $"{f}/assessments/{path.AssessmentId}/conclusion",
                () => new { outcome = "social-welfare-services", summary = "Family work.", clientOpinion = "Agrees.", namedWorkerNeeded = false, concludedAt = now }),
            Post("/api/families/{familyId}/assessments/{assessmentId}/contributions", Related, _ => $"{f}/assessments/{path.AssessmentId}/contributions",
                () => StatutoryPath.Contribution(path.ChildIds, legalBasis: "own-agency")),
            Post("/api/families/{familyId}/assessments/{assessmentId}/invitations", Related, _ => $"{f}/assessments/{path.AssessmentId}/invitations",
                () => new { agency = "family-work", question = "How are mornings?", respondBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(14)) }),
            Post("/api/families/{familyId}/consents", Related, _ => $"{f}/consents", () => new
            {
                givenBy = guardianId, recipients = new[] { "school-welfare" }, dataCategories = new[] { "assessment-contributions" },
                purpose = "service-need-assessment", validUntil = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(30)),
            }),
            Post("/api/families/{familyId}/consents/{consentId}/withdrawal", Related, _ => $"{f}/consents/{consentId}/withdrawal",
                () => new { reason = "The mother no longer agrees." }),
            Post("/api/families/{familyId}/contributions/{contributionId}/confirmations", Related, _ => $"{f}/contributions/{contributionId}/confirmations",
                () => new { purpose = "service-need-assessment", justification = "The assessment needs it." }),
            Post("/api/families/{familyId}/systemic-discussions", Related, _ => $"{f}/systemic-discussions",
                () => new { teamId = team.TeamId, participantIds = new[] { owner.Id }, reflections = "Mornings are hard." }),
            Post("/api/families/{familyId}/actions/{actionId}/completion", Related, _ => $"{f}/actions/{actionId}/completion", () => new { note = "Done." }),
            Get("/api/families/{familyId}/picture", Related, _ => $"{f}/picture"),
            Get("/api/families/{familyId}/hypotheses", Related, _ => $"{f}/hypotheses"),
            Get("/api/families/{familyId}/systemic-discussions", Related, _ => $"{f}/systemic-discussions"),
            Get("/api/families/{familyId}/history", AuditorOrResponsible, _ => $"{f}/history"),
            Get("/api/families/{familyId}/integrity", AuditorOrResponsible, _ => $"{f}/integrity"),
            Get("/api/audit/access-log", Auditors, _ => "/api/audit/access-log"),
            Post("/api/audit/access-reports", Auditors, _ => "/api/audit/access-reports", () => new { personId = "010516B902W" }),
            Post("/api/teams", p => p switch { "anonymous" => 401, "lead" or "admin" => Allowed, _ => 403 }, _ => "/api/teams", () => new { name = "Tiimi Länsi" }),
            Get("/api/teams", p => p == "anonymous" ? 401 : Allowed, _ => "/api/teams"), // each caller is listed the teams it may see
            Get("/api/teams/{teamId}", TeamMembersAndManagers, _ => t),
            Get("/api/teams/{teamId}/caseload", TeamViews, _ => $"{t}/caseload"),
            Get("/api/teams/{teamId}/workload", TeamViews, _ => $"{t}/workload"),
            Get("/api/teams/{teamId}/meetings/{meetingId}/agenda", TeamViews, _ => $"{t}/meetings/{meetingId}/agenda"),
            Post("/api/teams/{teamId}/meetings", TeamMembersAndManagers,
                _ => $"{t}/meetings", () => new { scheduledFor = TeamScenario.Time(DateTimeOffset.UtcNow.AddDays(10)) }),
            Post("/api/teams/{teamId}/families", Related, // a manager without a relationship with the family: the family does not exist for them
                _ => $"{t}/families", () => new { familyId = path.FamilyId, responsibleSocialWorkerId = owner.Id }),
            Post("/api/teams/{teamId}/members", TeamLeads, _ => $"{t}/members",
                () => new { professionalId = "sw-joining", name = "Uusi", role = "social-worker" }),
            Delete("/api/teams/{teamId}/members/{professionalId}", TeamLeads, p => $"{t}/members/extra-{(TeamLeads(p.Name) == Allowed ? p.Name : "refused")}"),
            Post(messages, _ => 401, _ => messages, () => SchoolMessagesFor.WelfareConcern(TestPupil.New().PersonId)), // a bearer token is no signature
            Get(messages + "/{messageId}", p => p switch
            {
                "anonymous" => 401,
                "owner" or "lead" or "colleague" or "admin" => Allowed,
                "foreign" => 404, // the sender is not in that county
                _ => 403,
            }, _ => $"{messages}/{messageId}?senderId={school.SenderId}"),
            Get(messages, p => p switch
            {
                "anonymous" => 401,
                "owner" or "lead" or "colleague" or "admin" or "foreign" => Allowed,
                _ => 403,
            }, _ => $"{messages}?status=unmatched"),
            Post(messages + "/{messageId}/link", p => p switch
            {
                "anonymous" => 401,
                "owner" or "lead" or "colleague" or "admin" => Allowed,
                "foreign" => 404,
                _ => 403,
            }, _ => $"{messages}/{messageId}/link", () => new { senderId = school.SenderId, familyId = path.FamilyId, childId = path.ChildIds[0] }),
            Post(messages + "/{messageId}/replay", AdminOnly, _ => $"{messages}/{messageId}/replay?senderId={school.SenderId}", () => null),
            Post(senders, AdminOnly, _ => senders, () => new { senderId = "matrix-school", name = "Koulu", secret = SchoolSystem.NewSecret() }),
            Get(senders, AdminOnly, _ => senders),
            Delete(senders + "/{senderId}/secrets/oldest", AdminOnly, _ => $"{senders}/{school.SenderId}/secrets/oldest"),
        };

        // The table covers every route the service serves under /api, and nothing it does not.
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var served = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}"))
            .Where(r => r.Contains(" /api/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(served, routes.Select(r => $"{r.Method} {r.Template}").Order(StringComparer.Ordinal).ToList());

        var clients = profiles.ToDictionary(p => p.Name, p => p.Who is null ? host.CreateClient() : host.ClientFor(p.Who));
        var wrong = new List<string>();
        var cases = 0;

        // First every refusal, so no allowed call has changed what the refused ones see; nothing they send may be written.
        var before = (await host.EventCount(Orgs.Pirkanmaa), await host.EventCount(Orgs.Uusimaa));
        foreach (var route in routes)
        {
            foreach (var profile in profiles.Where(p => route.Expect(p.Name) != Allowed))
            {
                cases++;
                using var response = await SendAsync(clients[profile.Name], route, profile);
                var expected = route.Expect(profile.Name);
                var problem = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode != expected || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    wrong.Add($"{route.Method} {route.Template} as {profile.Name}: {(int)response.StatusCode}, expected {expected} ({problem[..Math.Min(160, problem.Length)]})");
                }
                else if (expected == 404 && problem.Contains(path.FamilyId.ToString(), StringComparison.Ordinal))
                {
                    wrong.Add($"{route.Method} {route.Template} as {profile.Name}: the 404 names the family");
                }
            }
        }
        var afterRefusals = (await host.EventCount(Orgs.Pirkanmaa), await host.EventCount(Orgs.Uusimaa));
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases} refusals were not the rule's:\n" + string.Join("\n", wrong));
        if (afterRefusals != before)
        {
            await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
            var last = await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).Take(3).ToListAsync();
            Assert.Fail("refused calls wrote: " + string.Join(", ", last.Select(e => e.EventTypeName + " " + e.StreamId)));
        }
        var registered = (await (await clients["admin"].GetAsync(senders)).Ok()).AsArray().Count;

        // Then every allowed caller: not refused.
        foreach (var route in routes)
        {
            foreach (var profile in profiles.Where(p => route.Expect(p.Name) == Allowed))
            {
                cases++;
                using var response = await SendAsync(clients[profile.Name], route, profile);
                var status = (int)response.StatusCode;
                if (status is not (>= 200 and < 300 or 409))
                {
                    var problem = await response.Content.ReadAsStringAsync();
                    wrong.Add($"{route.Method} {route.Template} as {profile.Name}: {status}, expected to be allowed ({problem[..Math.Min(160, problem.Length)]})");
                }
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases} answers were not the rule's:\n" + string.Join("\n", wrong));
        Assert.Equal(1, registered); // only the admin's own registration, later in the allowed pass, adds a sender
        SuiteFigures.AuthorizationCasesChecked(cases);
        TestContext.Current.SendDiagnosticMessage($"authorization matrix: {routes.Count} routes x {profiles.Count} callers = {cases} cases");
    }

    private static int Related(string profile) => profile switch
    {
        "anonymous" => 401,
        "owner" or "member" or "lead" => Allowed,
        _ => 404, // no relationship, another county, an auditor or integration client: the family does not exist for them
    };

    /// <summary>The statutory steps of social work (urgency, decision, hearing the child, conclusion): another agency with a
    /// relationship is told it may not (403); anyone without one learns nothing (404). A child is heard also by invited agencies.</summary>
    private static int SocialWorkOnTheFamily(string profile) => profile switch
    {
        "member" => 403, // family work, related through the team, not invited to the assessment
        _ => Related(profile),
    };

    private static int Caseworking(string profile) => profile switch
    {
        "anonymous" => 401,
        "auditor" or "foreign-auditor" or "integration" => 403,
        _ => Allowed,
    };

    private static int AuditorOrResponsible(string profile) => profile switch
    {
        "anonymous" => 401,
        "owner" or "auditor" => Allowed,
        _ => 404,
    };

    private static int Auditors(string profile) => profile switch
    {
        "anonymous" => 401,
        "auditor" or "foreign-auditor" => Allowed,
        _ => 403,
    };

    private static int TeamMembersAndManagers(string profile) => profile switch
    {
        "anonymous" => 401,
        "owner" or "member" or "lead" or "admin" => Allowed,
        _ => 404,
    };

    private static int TeamViews(string profile) => profile switch
    {
        "anonymous" => 401,
        "owner" or "member" or "lead" => Allowed,
        "admin" => 403, // manages the team but is no member: the views show its families
        _ => 404,
    };

    private static int TeamLeads(string profile) => profile switch
    {
        "anonymous" => 401,
        "lead" or "admin" => Allowed,
        "owner" or "member" => 403,
        _ => 404,
    };

    private static int AdminOnly(string profile) => profile switch
    {
        "anonymous" => 401,
        "admin" => Allowed,
        _ => 403,
    };

    private static Route Post(string template, Func<string, int> expect, Func<Profile, string> url, Func<object?> body) => new("POST", template, expect, url, body);

    private static Route Get(string template, Func<string, int> expect, Func<Profile, string> url) => new("GET", template, expect, url, () => null);

    private static Route Delete(string template, Func<string, int> expect, Func<Profile, string> url) => new("DELETE", template, expect, url, () => null);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, Route route, Profile profile) => route.Method switch
    {
        "POST" when route.Body() is { } body => client.PostJson(route.Url(profile), body),
        "POST" => client.PostAsync(route.Url(profile), null),
        "DELETE" => client.DeleteAsync(route.Url(profile)),
        _ => client.GetAsync(route.Url(profile)),
    };
}
