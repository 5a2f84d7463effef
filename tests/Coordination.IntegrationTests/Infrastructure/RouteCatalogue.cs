using System.Net;
using System.Net.Http;
using Coordination.IntegrationTests.SchoolWelfare;
using Coordination.IntegrationTests.SystemicTeams;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>A kind of caller: a name the rules use, and the claims (none for an anonymous caller).</summary>
public sealed record Profile(string Name, Caller? Who);

/// <summary>
/// One route of the API: how to call it with a valid request in the catalogue's world, and what each kind of caller must be
/// answered (<see cref="RouteCatalogue.Allowed"/>, or the refusal's status code).
/// </summary>
public sealed record CatalogueRoute(string Method, string Template, Func<string, int> Expect, Func<Profile, string> Url, Func<object?> Body)
{
    /// <summary>Calls the route with its valid request, or at <paramref name="url"/> instead of its own.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpClient client, Profile profile, string? url = null) => Method switch
    {
        "POST" when Body() is { } json => client.PostJson(url ?? Url(profile), json),
        "POST" => client.PostAsync(url ?? Url(profile), null),
        "DELETE" => client.DeleteAsync(url ?? Url(profile)),
        _ => client.GetAsync(url ?? Url(profile)),
    };
}

/// <summary>
/// Every route of the API in one world built through the API: a systemic team of four, a family allocated to it on the
/// statutory path (concern decided, assessment open) with a consent, a contribution, a discussion with an action, a
/// meeting, and a school system with one unmatched message. With the callers the rules tell apart (docs/sharing.md,
/// docs/systemic-teams.md, docs/audit.md, docs/integration/school-welfare.md). The authorization matrix and the hostile
/// field values both walk it.
/// </summary>
public sealed class RouteCatalogue
{
    /// <summary>Any 2xx, or a 409 when an earlier allowed call already did what this one asks (a second conclusion).</summary>
    public const int Allowed = 0;

    public required IReadOnlyList<Profile> Profiles { get; init; }
    public required IReadOnlyList<CatalogueRoute> Routes { get; init; }
    public required Guid FamilyId { get; init; }

    /// <summary>The first caller who may call the route, preferring the family's own social worker.</summary>
    public Profile AllowedCaller(CatalogueRoute route) => AllowedCallerOrNull(route) ?? throw new InvalidOperationException($"Nobody may call {route.Template}.");

    /// <summary>Null for a route no bearer may call (the school intake, which needs a signature).</summary>
    public Profile? AllowedCallerOrNull(CatalogueRoute route) => Profiles.FirstOrDefault(p => p.Who is not null && route.Expect(p.Name) == Allowed);

    public static async Task<RouteCatalogue> BuildAsync(CoordinationHost host)
    {
        var team = await TeamScenario.FormedAsync(host);
        var path = await team.AllocatedFamilyAsync(children: 1, before: async p => await (await (await p.WithConcern()).UrgencyAssessed()).AssessmentStarted());
        var owner = team.Worker;
        var ownerClient = host.ClientFor(owner);
        var picture = await (await ownerClient.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        var guardianId = picture["guardians"]![0]!["id"]!.GetValue<string>();
        object Consent() => new
        {
            givenBy = guardianId, recipients = new[] { "school-welfare" }, dataCategories = new[] { "assessment-contributions" },
            purpose = "service-need-assessment", validUntil = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(30)),
        };
        var consentId = (await (await ownerClient.PostJson($"/api/families/{path.FamilyId}/consents", Consent()))
            .Ok(HttpStatusCode.Created))["consentId"]!.GetValue<string>();
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

        // A notifier: a kuraattori who notified through the intake about the child of a second family of the owner's, since
        // decided (so no concern waits, which would relate every social worker to it); and a notification no family holds.
        var notifier = Caller.Kuraattori();
        var notified = await new StatutoryPath(host, owner).Registered(children: 1);
        var notifiedConcern = await notified.Notified(host.ClientFor(notifier));
        await notified.UrgencyAssessed();
        await (await ownerClient.PostJson($"/api/families/{notified.FamilyId}/concerns/{notifiedConcern}/decision",
            new { decision = "no-assessment-needed", decidedAt = StatutoryPath.Now(), reason = "Support is in place." })).Ok();
        var unmatchedNotification = Guid.Parse((await (await host.ClientFor(notifier).PostJson("/api/concerns",
            Notification(TestPupil.New().PersonId))).Ok(HttpStatusCode.Accepted))["concernId"]!.GetValue<string>());

        var profiles = new List<Profile>
        {
            new("anonymous", null),
            new("owner", owner),                     // registered the family, its responsible social worker, a team member
            new("member", team.Clinician),           // family work, a member of the family's team
            new("lead", team.Consultant),            // formed the team: consultant social worker and member
            new("coordinator", team.Coordinator),    // social work, role coordinator only, a member of the team
            new("notifier", notifier),               // notified about a child of another family through the intake
            new("colleague", Caller.SocialWorker()), // social work of the same county, no relationship
            new("psychiatrist", Caller.Psychiatrist()),
            new("foreign", owner with { Org = Orgs.Uusimaa }), // the same sub and claims, another county
            new("auditor", Caller.Auditor()),
            new("foreign-auditor", Caller.Auditor(Orgs.Uusimaa)),
            new("admin", SchoolSystem.Admin()),
            new("integration", new Caller("int-matrix", "Integraatio", Orgs.Pirkanmaa, "integration", "integration-client")),
        };
        // Members added so that each caller allowed to end a membership ends one of its own, and a refused one has one to try.
        foreach (var name in new[] { "lead", "coordinator", "admin", "refused" })
        {
            await team.AddMember(new Caller($"extra-{name}", "Extra", Orgs.Pirkanmaa, "social-work", "caseworker"), "social-worker");
        }

        var f = $"/api/families/{path.FamilyId}";
        var t = $"/api/teams/{team.TeamId}";
        // An expected child (LsL 25 c §), whose birth the catalogue records.
        var expectedChild = (await (await ownerClient.PostJson($"{f}/children",
            new { expectedBirthDate = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(60)) })).Ok(HttpStatusCode.Created))["childId"]!.GetValue<string>();
        const string messages = "/api/integrations/school-welfare/messages";
        const string senders = "/api/integrations/school-welfare/senders";
        var now = StatutoryPath.Now();
        var routes = new List<CatalogueRoute>
        {
            Post("/api/families", SocialWorkers, _ => "/api/families", () => Scenarios.AFamily()),
            Post("/api/families/search", SocialWorkers, _ => "/api/families/search", () => new { personId = "010516B902W" }),
            Get("/api/deadlines", p => p switch
            {
                "anonymous" => 401,
                "auditor" or "foreign-auditor" or "integration" => 403,
                _ => Allowed, // their own families' deadlines (none for some); a social-work admin sees the organisation's
            }, _ => "/api/deadlines"),
            Get("/api/families", p => p switch
            {
                "anonymous" => 401,
                "auditor" or "foreign-auditor" or "integration" or "admin" => 403,
                _ => Allowed, // the families each relates to (none for some)
            }, _ => "/api/families"),
            Get("/api/worklist", p => p switch
            {
                "anonymous" => 401,
                "auditor" or "foreign-auditor" or "integration" or "admin" => 403,
                _ => Allowed,
            }, _ => "/api/worklist"),
            Get("/api/reminders", p => p switch
            {
                "anonymous" => 401,
                "auditor" or "foreign-auditor" or "integration" => 403,
                _ => Allowed, // their own reminders (none for some); a social-work admin sees the organisation's
            }, _ => "/api/reminders"),
            Post("/api/families/{familyId}/children", SocialWorkOnTheFamily, _ => $"{f}/children", () => new { name = "Vauva", birthDate = "2026-01-01" }),
            Post("/api/families/{familyId}/children/{childId}/birth", SocialWorkOnTheFamily, _ => $"{f}/children/{expectedChild}/birth",
                () => new { name = "Vauva", birthDate = TeamScenario.Day(DateTimeOffset.UtcNow) }), // the first records it; later ones: 409
            Get("/api/reports/processing-times", p => p switch
            {
                "anonymous" => 401,
                "auditor" or "foreign-auditor" or "admin" => Allowed, // each its own organisation's figures
                _ => 403,
            }, _ => $"/api/reports/processing-times?from={DateTime.UtcNow.AddDays(-180):yyyy-MM-dd}&to={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}"),
            Post("/api/families/{familyId}/concerns", CaseworkOnTheFamily, _ => $"{f}/concerns", () => StatutoryPath.SchoolNotification(path.ChildIds, now)),
            Post("/api/families/{familyId}/concerns/{concernId}/decision", SocialWorkOnTheFamily, _ => $"{f}/concerns/{path.ConcernId}/decision",
                () => new { decision = "start-assessment", decidedAt = now, childAndGuardianInformedAt = now }),
            Post("/api/families/{familyId}/concerns/{concernId}/urgency", SocialWorkOnTheFamily, _ => $"{f}/concerns/{path.ConcernId}/urgency",
                () => new { urgent = false, assessedAt = now, reasoning = "No immediate danger." }),
            Post("/api/families/{familyId}/assessments/{assessmentId}/child-hearings", SocialWorkOnTheFamily, _ => $"{f}/assessments/{path.AssessmentId}/child-hearings",
                () => new { childId = path.ChildIds[0], heardAt = now, method = "in-person", views = "Wants to stay at home." }),
            Post("/api/families/{familyId}/assessments/{assessmentId}/conclusion", SocialWorkOnTheFamily, _ => $"{f}/assessments/{path.AssessmentId}/conclusion",
                () => new { outcome = "social-welfare-services", summary = "Family work.", clientOpinion = "Agrees.", namedWorkerNeeded = false, concludedAt = now }),
            Post("/api/families/{familyId}/assessments/{assessmentId}/contributions", CaseworkOnTheFamily, _ => $"{f}/assessments/{path.AssessmentId}/contributions",
                () => StatutoryPath.Contribution(path.ChildIds, legalBasis: "own-agency")),
            Post("/api/families/{familyId}/assessments/{assessmentId}/invitations", SocialWorkOnTheFamily, _ => $"{f}/assessments/{path.AssessmentId}/invitations",
                () => new { agency = "family-work", question = "How are mornings?", respondBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(14)) }),
            Post("/api/families/{familyId}/consents", CaseworkOnTheFamily, _ => $"{f}/consents", Consent),
            Post("/api/families/{familyId}/consents/{consentId}/withdrawal", CaseworkOnTheFamily, _ => $"{f}/consents/{consentId}/withdrawal",
                () => new { reason = "The mother no longer agrees." }),
            // The contribution is social work's own: its own agency needs no confirmation (409); family work may not see it at all (403).
            Post("/api/families/{familyId}/contributions/{contributionId}/confirmations", p => p == "member" ? 403 : CaseworkOnTheFamily(p),
                _ => $"{f}/contributions/{contributionId}/confirmations",
                () => new { purpose = "service-need-assessment", justification = "The assessment needs it." }),
            Post("/api/families/{familyId}/systemic-discussions", Related, _ => $"{f}/systemic-discussions",
                () => new
                {
                    teamId = team.TeamId, participantIds = new[] { owner.Id }, reflections = "Mornings are hard.",
                    hypotheses = new[] { new { text = "The mornings carry the family's strain.", status = "proposed" } },
                    actions = new[] { new { description = "Ask the school about mornings.", ownerId = owner.Id, dueBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(7)) } },
                }),
            Post("/api/families/{familyId}/actions/{actionId}/completion", Related, _ => $"{f}/actions/{actionId}/completion", () => new { note = "Done." }),
            Get("/api/families/{familyId}/picture", Related, _ => $"{f}/picture"),
            Get("/api/families/{familyId}/hypotheses", Related, _ => $"{f}/hypotheses"),
            Get("/api/families/{familyId}/systemic-discussions", Related, _ => $"{f}/systemic-discussions"),
            Get("/api/families/{familyId}/history", AuditorOrResponsible, _ => $"{f}/history"),
            Get("/api/families/{familyId}/integrity", AuditorOrResponsible, _ => $"{f}/integrity"),
            Post("/api/concerns", p => p switch
            {
                "anonymous" => 401,
                "coordinator" or "admin" or "auditor" or "foreign-auditor" or "integration" => 403,
                _ => Allowed, // any case-working professional notifies; the answer is a receipt
            }, _ => "/api/concerns", () => Notification(TestPupil.New().PersonId)),
            Get("/api/concerns/{concernId}", p => p switch
            {
                "anonymous" => 401,
                "notifier" => Allowed, // its status
                "owner" => Allowed,    // a social worker related to the family: the concern
                _ => 404,
            }, _ => $"/api/concerns/{notifiedConcern}"),
            Get("/api/intake", p => p switch
            {
                "anonymous" => 401,
                "owner" or "lead" or "colleague" or "foreign" => Allowed,
                _ => 403,
            }, _ => "/api/intake?status=unmatched"),
            Post("/api/intake/{concernId}/link", p => p switch
            {
                "anonymous" => 401,
                "owner" or "lead" or "colleague" => Allowed, // the first places it; the others are told it is placed (409)
                "foreign" => 404,
                _ => 403,
            }, _ => $"/api/intake/{unmatchedNotification}/link", () => new { familyId = notified.FamilyId, childId = notified.ChildIds[0] }),
            Get("/api/audit/access-log", Auditors, _ => "/api/audit/access-log"),
            Post("/api/audit/access-reports", Auditors, _ => "/api/audit/access-reports", () => new { personId = "010516B902W" }),
            Post("/api/teams", p => p switch { "anonymous" => 401, "lead" or "coordinator" or "admin" => Allowed, _ => 403 }, _ => "/api/teams", () => new { name = "Tiimi Länsi" }),
            Get("/api/teams", p => p == "anonymous" ? 401 : Allowed, _ => "/api/teams"), // each caller is listed the teams it may see
            Get("/api/teams/{teamId}", TeamMembersAndManagers, _ => t),
            Get("/api/teams/{teamId}/caseload", TeamViews, _ => $"{t}/caseload"),
            Get("/api/teams/{teamId}/workload", TeamViews, _ => $"{t}/workload"),
            Get("/api/teams/{teamId}/meetings/{meetingId}/agenda", TeamViews, _ => $"{t}/meetings/{meetingId}/agenda"),
            Post("/api/teams/{teamId}/meetings", TeamMembersAndManagers,
                _ => $"{t}/meetings", () => new { scheduledFor = TeamScenario.Time(DateTimeOffset.UtcNow.AddDays(10)) }),
            // Naming the responsible social worker is a social worker's decision; a manager without a relationship: no such family.
            Post("/api/teams/{teamId}/families", SocialWorkOnTheFamily,
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
                "owner" or "lead" or "colleague" or "foreign" => Allowed, // they name pupils: social workers only
                _ => 403,
            }, _ => $"{messages}?status=unmatched"),
            Post(messages + "/{messageId}/link", p => p switch
            {
                "anonymous" => 401,
                "owner" or "lead" or "colleague" => Allowed,
                "foreign" => 404,
                _ => 403,
            }, _ => $"{messages}/{messageId}/link", () => new { senderId = school.SenderId, familyId = path.FamilyId, childId = path.ChildIds[0] }),
            Post(messages + "/{messageId}/replay", AdminOnly, _ => $"{messages}/{messageId}/replay?senderId={school.SenderId}", () => null),
            Post(senders, AdminOnly, _ => senders, () => new { senderId = "matrix-school", name = "Koulu", secret = SchoolSystem.NewSecret() }),
            Get(senders, AdminOnly, _ => senders),
            Delete(senders + "/{senderId}/secrets/oldest", AdminOnly, _ => $"{senders}/{school.SenderId}/secrets/oldest"),
        };

        return new RouteCatalogue { Profiles = profiles, Routes = routes, FamilyId = path.FamilyId };
    }

    private static int Related(string profile) => profile switch
    {
        "anonymous" => 401,
        "owner" or "member" or "lead" or "coordinator" => Allowed,
        _ => 404, // no relationship (a notifier neither), another county, an auditor or integration client: no such family for them
    };

    /// <summary>
    /// The statutory steps of social work (registering, urgency, decision, invitation, hearing the child, conclusion): another
    /// agency or a coordinator with a relationship is told it may not (403); anyone without one learns nothing (404).
    /// </summary>
    private static int SocialWorkOnTheFamily(string profile) => profile switch
    {
        "member" => 403,      // family work, related through the team, not invited to the assessment
        "coordinator" => 403, // social work, but a coordinator makes no statutory decision (docs/sharing.md §6)
        _ => Related(profile),
    };

    /// <summary>Recording on the family (a concern, a contribution, a consent, a confirmation): any case worker related to it, not a coordinator.</summary>
    private static int CaseworkOnTheFamily(string profile) => profile == "coordinator" ? 403 : Related(profile);

    /// <summary>Registering a family and searching by identity code: social workers (of their own county), nobody else.</summary>
    private static int SocialWorkers(string profile) => profile switch
    {
        "anonymous" => 401,
        "owner" or "lead" or "colleague" or "foreign" => Allowed,
        _ => 403,
    };

    /// <summary>A notification through the intake, about <paramref name="personId"/>.</summary>
    public static object Notification(string personId) => new
    {
        child = new { personId, name = "Aino" }, kind = "child-welfare-notification", receivedAt = StatutoryPath.Now(),
        source = new { agency = "school-welfare", organisation = "Tampere", reporterRole = "teacher", anonymous = false },
        description = "Repeated absences and the child says there is no food at home.", suspectedOffence = "none", policeReported = false,
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
        "owner" or "member" or "lead" or "coordinator" or "admin" => Allowed,
        _ => 404,
    };

    private static int TeamViews(string profile) => profile switch
    {
        "anonymous" => 401,
        "owner" or "member" or "lead" or "coordinator" => Allowed,
        "admin" => 403, // manages the team but is no member: the views show its families
        _ => 404,
    };

    private static int TeamLeads(string profile) => profile switch
    {
        "anonymous" => 401,
        "lead" or "coordinator" or "admin" => Allowed,
        "owner" or "member" => 403,
        _ => 404,
    };

    private static int AdminOnly(string profile) => profile switch
    {
        "anonymous" => 401,
        "admin" => Allowed,
        _ => 403,
    };

    private static CatalogueRoute Post(string template, Func<string, int> expect, Func<Profile, string> url, Func<object?> body) => new("POST", template, expect, url, body);

    private static CatalogueRoute Get(string template, Func<string, int> expect, Func<Profile, string> url) => new("GET", template, expect, url, () => null);

    private static CatalogueRoute Delete(string template, Func<string, int> expect, Func<Profile, string> url) => new("DELETE", template, expect, url, () => null);

}
