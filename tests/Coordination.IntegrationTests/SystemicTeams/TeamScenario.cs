using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.SystemicTeams;

/// <summary>
/// A systemic team of four, built through the API: a consultant social worker who forms it, a social worker who holds the
/// families, a clinician (a family therapist from family work) and a coordinator.
/// </summary>
public sealed class TeamScenario
{
    private TeamScenario(CoordinationHost host, string org)
    {
        Host = host;
        Consultant = new Caller($"csw-{Guid.NewGuid():N}"[..12], "Kaija Konsultoiva", org, "social-work", "consultant-social-worker");
        Worker = new Caller($"sw-{Guid.NewGuid():N}"[..12], "Sanna Sosiaalityöntekijä", org, "social-work", "caseworker", "responsible-social-worker");
        Clinician = new Caller($"cl-{Guid.NewGuid():N}"[..12], "Terhi Terapeutti", org, "family-work", "clinician");
        Coordinator = new Caller($"co-{Guid.NewGuid():N}"[..12], "Kalle Koordinaattori", org, "social-work", "coordinator");
    }

    public CoordinationHost Host { get; }
    public Caller Consultant { get; }
    public Caller Worker { get; }
    public Caller Clinician { get; }
    public Caller Coordinator { get; }
    public Guid TeamId { get; private set; }

    public HttpClient As(Caller who) => Host.ClientFor(who);

    public static async Task<TeamScenario> FormedAsync(CoordinationHost host, string org = Orgs.Pirkanmaa)
    {
        var scenario = new TeamScenario(host, org);
        var lead = host.ClientFor(scenario.Consultant);
        var formed = await (await lead.PostJson("/api/teams", new { name = "Tiimi Itä" })).Ok(HttpStatusCode.Created);
        scenario.TeamId = Guid.Parse(formed["teamId"]!.GetValue<string>());
        await scenario.AddMember(scenario.Consultant, "consultant-social-worker");
        await scenario.AddMember(scenario.Worker, "social-worker");
        await scenario.AddMember(scenario.Clinician, "clinician");
        await scenario.AddMember(scenario.Coordinator, "coordinator");
        return scenario;
    }

    public async Task AddMember(Caller who, string role) =>
        await (await As(Consultant).PostJson($"/api/teams/{TeamId}/members", new { professionalId = who.Id, name = who.Name, role }))
            .Ok(HttpStatusCode.Created);

    /// <summary>A family registered by the team's social worker and allocated to the team with them as responsible worker.</summary>
    public async Task<StatutoryPath> AllocatedFamilyAsync(int children = 1, Func<StatutoryPath, Task>? before = null)
    {
        var path = await new StatutoryPath(Host, Worker).Registered(children);
        if (before is not null)
        {
            await before(path);
        }
        await (await Allocate(path.FamilyId, Worker.Id)).Ok();
        return path;
    }

    public Task<HttpResponseMessage> Allocate(Guid familyId, string responsibleId, Caller? by = null) =>
        As(by ?? Worker).PostJson($"/api/teams/{TeamId}/families", new { familyId, responsibleSocialWorkerId = responsibleId });

    public async Task<Guid> ScheduleMeeting(DateTimeOffset at)
    {
        var body = await (await As(Coordinator).PostJson($"/api/teams/{TeamId}/meetings", new { scheduledFor = Time(at) }))
            .Ok(HttpStatusCode.Created);
        return Guid.Parse(body["meetingId"]!.GetValue<string>());
    }

    public async Task<JsonNode> Discuss(Guid familyId, object? hypotheses = null, object? actions = null, string? reflections = null,
        DateTimeOffset? heldAt = null, string[]? participants = null, Caller? by = null) =>
        await (await As(by ?? Worker).PostJson($"/api/families/{familyId}/systemic-discussions", new
        {
            teamId = TeamId,
            heldAt = heldAt is { } h ? Time(h) : null,
            participantIds = participants ?? [Consultant.Id, Worker.Id, Coordinator.Id],
            hypotheses = hypotheses ?? Array.Empty<object>(),
            reflections,
            actions = actions ?? Array.Empty<object>(),
        })).Ok(HttpStatusCode.Created);

    public async Task<JsonArray> Agenda(Guid meetingId, Caller? by = null) =>
        (await (await As(by ?? Coordinator).GetAsync($"/api/teams/{TeamId}/meetings/{meetingId}/agenda")).Ok())["families"]!.AsArray();

    public async Task<JsonArray> Caseload(Caller? by = null) =>
        (await (await As(by ?? Coordinator).GetAsync($"/api/teams/{TeamId}/caseload")).Ok()).AsArray();

    public static string Time(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
