using System.Net;
using System.Text;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.SchoolSender;
using Coordination.SchoolWelfare;
using Marten;

namespace Coordination.IntegrationTests.SchoolWelfare;

public sealed class SendersAndUnmatched(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private const string Senders = "/api/integrations/school-welfare/senders";

    [Fact]
    public async Task Secrets_rotate_with_two_valid_for_a_while_and_are_never_returned_logged_or_stored_in_clear()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var admin = host.ClientFor(SchoolSystem.Admin());
        var pupil = TestPupil.New();
        await pupil.RegisterFamilyAsync(host.ClientFor(Caller.SocialWorker()));
        var newSecret = SchoolSystem.NewSecret();

        var rotated = await (await admin.PostJson(Senders, new { senderId = school.SenderId, name = "Tampereen koulut (Wilma)", secret = newSecret })).Ok();
        Assert.Equal(2, rotated["secrets"]!.AsArray().Count);
        // The same secret again changes nothing; a third is refused until the oldest is retired.
        Assert.Equal(2, (await (await admin.PostJson(Senders, new { senderId = school.SenderId, name = "Tampereen koulut (Wilma)", secret = newSecret })).Ok())["secrets"]!.AsArray().Count);
        var third = await (await admin.PostJson(Senders, new { senderId = school.SenderId, name = "x", secret = SchoolSystem.NewSecret() })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/rotation-in-progress", third["type"]!.GetValue<string>());

        var withNew = new SchoolWelfareSender(host.CreateClient(), school.SenderId, newSecret);
        await (await school.SendAsync(SchoolMessagesFor.AbsenceAlert(pupil.PersonId))).Ok(HttpStatusCode.Accepted);
        await (await withNew.SendAsync(SchoolSystem.Bytes(SchoolMessagesFor.AbsenceAlert(pupil.PersonId)))).Ok(HttpStatusCode.Accepted);

        var retired = await (await admin.DeleteAsync($"{Senders}/{school.SenderId}/secrets/oldest")).Ok();
        Assert.Single(retired["secrets"]!.AsArray());
        await (await school.SendAsync(SchoolMessagesFor.AbsenceAlert(pupil.PersonId))).Problem(HttpStatusCode.Unauthorized);
        await (await withNew.SendAsync(SchoolSystem.Bytes(SchoolMessagesFor.AbsenceAlert(pupil.PersonId)))).Ok(HttpStatusCode.Accepted);
        var last = await (await admin.DeleteAsync($"{Senders}/{school.SenderId}/secrets/oldest")).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/last-secret", last["type"]!.GetValue<string>());

        // Nowhere in clear: not in the answers, the logs, or the stored document.
        var listed = await (await admin.GetAsync(Senders)).Content.ReadAsStringAsync();
        Assert.Contains(school.SenderId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(newSecret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(newSecret, StringComparison.Ordinal) || l.Contains(school.Secret, StringComparison.Ordinal));
        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var stored = await session.Json.FindByIdAsync<Coordination.SchoolWelfare.SchoolSender>(school.SenderId);
        Assert.NotNull(stored);
        Assert.DoesNotContain(newSecret, stored, StringComparison.Ordinal);
        Assert.Contains("oldest-secret-retired", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_admin_registers_a_sender_id_is_one_namespace_and_bad_registrations_are_400_without_echoing_the_secret()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var worker = host.ClientFor(Caller.SocialWorker());
        await (await worker.PostJson(Senders, new { senderId = "wilma-x1", name = "x", secret = SchoolSystem.NewSecret() })).Problem(HttpStatusCode.Forbidden);
        await (await host.CreateClient().PostJson(Senders, new { senderId = "wilma-x1", name = "x", secret = SchoolSystem.NewSecret() })).Problem(HttpStatusCode.Unauthorized);

        // Another county cannot take (or learn the secrets of) this sender id.
        var foreignAdmin = host.ClientFor(SchoolSystem.Admin(Orgs.Uusimaa));
        var taken = await (await foreignAdmin.PostJson(Senders, new { senderId = school.SenderId, name = "x", secret = SchoolSystem.NewSecret() })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/sender-id-taken", taken["type"]!.GetValue<string>());
        await (await foreignAdmin.DeleteAsync($"{Senders}/{school.SenderId}/secrets/oldest")).Problem(HttpStatusCode.NotFound);

        var admin = host.ClientFor(SchoolSystem.Admin());
        const string shortSecret = "tooshort-secret-123";
        var invalid = await (await admin.PostJson(Senders, new { senderId = "Bad Id!", name = "", secret = shortSecret })).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["senderId"]);
        Assert.NotNull(invalid["errors"]!["name"]);
        Assert.NotNull(invalid["errors"]!["secret"]);
        Assert.DoesNotContain(shortSecret, invalid.ToJsonString(), StringComparison.Ordinal);
        await (await admin.PostJson(Senders, "{\"senderId\":\"wilma-y\",\"name\":\"y\",\"secret\":\"" + SchoolSystem.NewSecret() + "\",\"extra\":1}")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_pupil_no_family_holds_waits_unmatched_until_a_social_worker_links_it_and_the_clock_ran_from_receipt()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var pupil = TestPupil.New();
        var messageId = SchoolMessagesFor.NewId();
        await school.AcceptedAsync(SchoolMessagesFor.WelfareConcern(pupil.PersonId, messageId));
        var status = await school.SettledAsync(messageId);
        Assert.Equal("unmatched", status["status"]!.GetValue<string>());
        Assert.Contains("No family", status["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var receivedAt = status["receivedAt"]!.GetValue<DateTimeOffset>();

        // The intake sees it, with the pupil to search by and the decision deadline counted from receipt.
        var worker = Caller.SocialWorker();
        var social = host.ClientFor(worker);
        var unmatched = (await (await social.GetAsync("/api/integrations/school-welfare/messages?status=unmatched")).Ok()).AsArray();
        var waiting = Assert.Single(unmatched, m => m!["messageId"]!.GetValue<string>() == messageId)!;
        Assert.Equal(pupil.PersonId, waiting["pupil"]!["personId"]!.GetValue<string>());
        Assert.Equal(Coordination.Deadlines.DeadlineRules.DecisionDue(receivedAt).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            waiting["decisionDue"]!.GetValue<string>());
        // Not for other agencies, and it is use-logged.
        await (await host.ClientFor(Caller.Psychiatrist()).GetAsync("/api/integrations/school-welfare/messages?status=unmatched")).Problem(HttpStatusCode.Forbidden);
        var log = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?professionalId={worker.Id}")).Ok();
        Assert.Contains(log.AsArray(), e => e!["data"]!.GetValue<string>() == $"school-message:{school.SenderId}/{messageId}");

        // Bad links are refused and write nothing.
        var other = TestPupil.New();
        var (wrongFamily, _) = await other.RegisterFamilyAsync(social);
        var link = $"/api/integrations/school-welfare/messages/{messageId}/link";
        var refused = await (await social.PostJson(link, new { senderId = school.SenderId, familyId = wrongFamily })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/pupil-not-in-family", refused["type"]!.GetValue<string>());
        await (await social.PostJson(link, new { senderId = school.SenderId, familyId = Guid.NewGuid() })).Problem(HttpStatusCode.NotFound);
        await (await social.PostJson(link, new { familyId = wrongFamily })).Problem(HttpStatusCode.BadRequest);
        await (await host.ClientFor(Caller.Kuraattori()).PostJson(link, new { senderId = school.SenderId, familyId = wrongFamily })).Problem(HttpStatusCode.Forbidden);
        Assert.Equal("unmatched", (await school.SettledAsync(messageId))["status"]!.GetValue<string>());
        // The school system learns that its message was taken in, never whether a family holds the pupil (docs/sharing.md §4).
        var toSender = await school.StatusAsync(messageId);
        Assert.Equal("processed", toSender["status"]!.GetValue<string>());
        Assert.Null(toSender["familyId"]);
        Assert.DoesNotContain("famil", toSender["reason"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        // The social worker opens the family, then links: the concern's clock runs from the message's receipt.
        var (familyId, childId) = await pupil.RegisterFamilyAsync(social);
        var linked = await (await social.PostJson(link, new { senderId = school.SenderId, familyId })).Ok();
        Assert.Equal("processed", linked["status"]!.GetValue<string>());
        status = await school.SettledAsync(messageId);
        Assert.Equal("processed", status["status"]!.GetValue<string>());
        Assert.Equal(familyId.ToString(), status["familyId"]!.GetValue<string>());
        // To the sender nothing changed: the same answer as before the link, even its time.
        Assert.Equal(toSender.ToJsonString(), (await school.StatusAsync(messageId)).ToJsonString());
        var concern = Assert.Single((await (await social.GetAsync($"/api/families/{familyId}/picture")).Ok())["concerns"]!.AsArray())!;
        Assert.Equal(receivedAt, concern["receivedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(childId.ToString(), concern["childIds"]![0]!.GetValue<string>());

        var again = await (await social.PostJson(link, new { senderId = school.SenderId, familyId })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/not-unmatched", again["type"]!.GetValue<string>());
        Assert.Single(await host.EventsOf(Orgs.Pirkanmaa, familyId), e => e.Data is Coordination.Concerns.ConcernRaised);
    }

    [Fact]
    public async Task The_status_route_takes_the_senders_signature_or_a_staff_token_and_never_crosses_organisations()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var pupil = TestPupil.New();
        await pupil.RegisterFamilyAsync(host.ClientFor(Caller.SocialWorker()));
        var messageId = $"hervanta:2026:{Guid.NewGuid():N}"; // ':' is allowed, and signed reads must not depend on escaping
        await school.AcceptedAsync(SchoolMessagesFor.AbsenceAlert(pupil.PersonId, messageId));
        await school.SettledAsync(messageId);
        var route = $"/api/integrations/school-welfare/messages/{messageId}";

        await (await host.CreateClient().GetAsync(route)).Problem(HttpStatusCode.Unauthorized);
        // A signature older than five minutes is refused (a captured read cannot be replayed later).
        await (await school.Sender.GetStatusAsync(messageId, DateTimeOffset.UtcNow.AddMinutes(-10))).Problem(HttpStatusCode.Unauthorized);
        var stranger = new SchoolWelfareSender(host.CreateClient(), school.SenderId, SchoolSystem.NewSecret());
        await (await stranger.GetStatusAsync(messageId, DateTimeOffset.UtcNow)).Problem(HttpStatusCode.Unauthorized);

        var admin = host.ClientFor(SchoolSystem.Admin());
        Assert.Equal("processed", (await (await admin.GetAsync($"{route}?senderId={school.SenderId}")).Ok())["status"]!.GetValue<string>());
        await (await admin.GetAsync(route)).Problem(HttpStatusCode.BadRequest);
        await (await host.ClientFor(Caller.FamilyWorker()).GetAsync($"{route}?senderId={school.SenderId}")).Problem(HttpStatusCode.Forbidden);
        await (await host.ClientFor(SchoolSystem.Admin(Orgs.Uusimaa)).GetAsync($"{route}?senderId={school.SenderId}")).Problem(HttpStatusCode.NotFound);
        await (await school.Sender.GetStatusAsync("never-sent", DateTimeOffset.UtcNow)).Problem(HttpStatusCode.NotFound);
    }
}
