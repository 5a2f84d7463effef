using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.SchoolSender;
using Coordination.SchoolWelfare;
using Marten;

namespace Coordination.IntegrationTests.SchoolWelfare;

/// <summary>A registered school system of an organisation, sending through the repository's reference sender.</summary>
public sealed class SchoolSystem
{
    public required CoordinationHost Host { get; init; }
    public required string SenderId { get; init; }
    public required string Secret { get; init; }
    public required string Org { get; init; }

    public SchoolWelfareSender Sender => new(Host.CreateClient(), SenderId, Secret);

    public static Caller Admin(string org = Orgs.Pirkanmaa) => new($"adm-{Guid.NewGuid():N}"[..12], "Alli Admin", org, "social-work", "admin");

    public static string NewSecret() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Registers a new sender through the admin route.</summary>
    public static async Task<SchoolSystem> RegisterAsync(CoordinationHost host, string org = Orgs.Pirkanmaa)
    {
        var system = new SchoolSystem { Host = host, SenderId = $"wilma-{Guid.NewGuid():N}"[..20], Secret = NewSecret(), Org = org };
        var response = await host.ClientFor(Admin(org)).PostJson("/api/integrations/school-welfare/senders",
            new { senderId = system.SenderId, name = "Tampereen koulut (Wilma)", secret = system.Secret });
        await response.Ok(HttpStatusCode.Created);
        return system;
    }

    public async Task<HttpResponseMessage> SendAsync(object message) => await Sender.SendAsync(Bytes(message));

    public async Task<JsonNode> AcceptedAsync(object message)
    {
        var body = await (await SendAsync(message)).Ok(HttpStatusCode.Accepted);
        Assert.Equal("accepted", body["status"]!.GetValue<string>());
        return body;
    }

    public async Task<JsonNode> StatusAsync(string messageId) =>
        await (await Sender.GetStatusAsync(messageId, DateTimeOffset.UtcNow)).Ok();

    /// <summary>
    /// Waits until the message has left <c>received</c> (processing is asynchronous), and returns its status as the county's
    /// social work reads it (where it went and why; the sender itself learns no family).
    /// </summary>
    public Task<JsonNode> SettledAsync(string messageId, string? until = null, int seconds = 20)
    {
        var socialWork = Host.ClientFor(new Caller($"sw-{Guid.NewGuid():N}"[..12], "Sanna Sosiaalityöntekijä", Org, "social-work", "caseworker"));
        return Settled(async () => await (await socialWork.GetAsync($"/api/integrations/school-welfare/messages/{messageId}?senderId={SenderId}")).Ok(),
            messageId, until, seconds);
    }

    /// <summary>The same as the sending system reads it, through any sender: a service in another process, too.</summary>
    public static Task<JsonNode> SettledAsync(SchoolWelfareSender sender, string messageId, string? until = null, int seconds = 20) =>
        Settled(async () => await (await sender.GetStatusAsync(messageId, DateTimeOffset.UtcNow)).Ok(), messageId, until, seconds);

    private static async Task<JsonNode> Settled(Func<Task<JsonNode>> read, string messageId, string? until, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await read();
            var current = status["status"]!.GetValue<string>();
            if (until is null ? current != "received" : current == until)
            {
                return status;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Message {messageId} still '{current}' after {seconds} s: {status.ToJsonString()}");
            }
            await Task.Delay(50);
        }
    }

    public static byte[] Bytes(object message) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message, HttpExtensions.Web));

    /// <summary>How many messages this sender has on record in the organisation (any status).</summary>
    public async Task<int> RecordsAsync()
    {
        await using var session = Host.Store.QuerySession(Org);
        return await session.Query<InboundMessage>().Where(m => m.SenderId == SenderId).CountAsync();
    }
}

/// <summary>A pupil of their own for each test: a valid identity code no other family of the run holds.</summary>
public sealed record TestPupil(string PersonId, string Name, string BirthDate)
{
    public static TestPupil New()
    {
        var (year, month, day) = (2010 + Random.Shared.Next(10), 1 + Random.Shared.Next(12), 1 + Random.Shared.Next(28));
        return new TestPupil(TestPeople.Born(year, month, day), "Aino", $"{year}-{month:00}-{day:00}");
    }

    /// <summary>Registers a family holding this pupil as its only child; returns the family and the child's id.</summary>
    public async Task<(Guid FamilyId, Guid ChildId)> RegisterFamilyAsync(HttpClient socialWork)
    {
        var body = await (await socialWork.PostJson("/api/families", new
        {
            children = new[] { new { personId = PersonId, name = Name, birthDate = BirthDate } },
            guardians = new[] { new { personId = TestPeople.Born(1994, 5, 1), name = "Maria", relation = "mother" } },
            municipality = "Tampere", languages = new[] { "fi" },
        })).Ok(HttpStatusCode.Created);
        return (Guid.Parse(body["familyId"]!.GetValue<string>()), Guid.Parse(body["childIds"]![0]!.GetValue<string>()));
    }
}

/// <summary>Messages as a school system would build them, version 1.0, about a pupil known by identity code (or null).</summary>
public static class SchoolMessagesFor
{
    public static string NewId() => $"msg-{Guid.NewGuid():N}";

    public static object Envelope(string type, object payload, string? personId, string? messageId = null, string legalBasis = "lsl-25",
        DateTimeOffset? sentAt = null, string schemaVersion = "1.0") => new
    {
        messageId = messageId ?? NewId(),
        schemaVersion,
        type,
        sentAt = (sentAt ?? DateTimeOffset.UtcNow.AddMinutes(-1)).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        municipality = "Tampere",
        pupil = new { personId, name = "Aino", birthDate = "2016-05-01" },
        school = new { id = "school-hervanta", name = "Hervannan koulu" },
        payload,
        legalBasis,
    };

    public static readonly object ConcernPayload = new { description = "Aino has said she is afraid to go home.", reporterRole = "kuraattori" };

    public static object WelfareConcern(string? personId, string? messageId = null, DateTimeOffset? sentAt = null, string schemaVersion = "1.0",
        string type = "welfare-concern") =>
        Envelope(type, ConcernPayload, personId, messageId, sentAt: sentAt, schemaVersion: schemaVersion);

    public static object ExpertGroupMeeting(string? personId, string? messageId = null, string legalBasis = "atl-64") =>
        Envelope("expert-group-meeting", new
        {
            heldOn = "2026-11-20", participantRoles = new[] { "kuraattori", "school-nurse", "teacher" },
            summary = "The expert group agreed on intensified support and a meeting with the guardians.", nextMeetingOn = "2026-12-11",
        }, personId, messageId, legalBasis);

    public static object AbsenceAlert(string? personId, string? messageId = null, string legalBasis = "lsl-25") =>
        Envelope("absence-alert", new { from = "2026-10-01", to = "2026-11-20", absentHours = 96, unexplainedHours = 64, note = "Mostly Mondays." },
            personId, messageId, legalBasis);

    public static object WelfareStatus(string? personId, string? messageId = null, string legalBasis = "atl-64") =>
        Envelope("welfare-status", new { status = "support-started", supportLevel = "intensified", summary = "Weekly meetings with the kuraattori." },
            personId, messageId, legalBasis);
}
