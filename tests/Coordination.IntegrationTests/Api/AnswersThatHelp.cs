using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Coordination.IntegrationTests.SystemicTeams;

namespace Coordination.IntegrationTests.Api;

/// <summary>
/// Issue 17, "Answers that help": the three 500s a fuzzer and a newcomer found, each now a clear 4xx or a 200, and problems
/// that say which field or parameter is wrong and what it takes; 201 (and the intake's 202) say where to read what was made.
/// </summary>
public sealed class AnswersThatHelp(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string[] Messages(JsonNode problem, string field) =>
        problem["errors"]?[field]?.AsArray().Select(m => m!.GetValue<string>()).ToArray() ?? [];

    [Fact]
    public async Task an_agenda_from_the_second_meeting_on_answers_when_meeting_times_carry_an_offset()
    {
        var team = await TeamScenario.FormedAsync(host);
        await team.AllocatedFamilyAsync(children: 1);
        var first = DateTimeOffset.UtcNow.AddDays(2).ToOffset(TimeSpan.FromHours(2));
        var members = team.As(team.Coordinator);
        var ids = new List<string>();
        foreach (var at in new[] { first, first.AddDays(7) })
        {
            var scheduled = await (await members.PostJson($"/api/teams/{team.TeamId}/meetings",
                new { scheduledFor = at.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture) })).Ok(HttpStatusCode.Created);
            ids.Add(scheduled["meetingId"]!.GetValue<string>());
        }
        // The second meeting's agenda reads what arrived since the first (a time with +02:00, handed to SQL in UTC).
        var agenda = await (await members.GetAsync($"/api/teams/{team.TeamId}/meetings/{ids[1]}/agenda")).Ok();
        Assert.NotNull(agenda["families"]);
    }

    [Fact]
    public async Task an_expert_group_meeting_without_participant_roles_is_400_naming_them()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var message = SchoolMessagesFor.Envelope("expert-group-meeting", new
        {
            heldOn = "2026-11-20", summary = "The expert group met.", nextMeetingOn = "2026-12-11",
        }, TestPupil.New().PersonId, legalBasis: "atl-64");
        var problem = await (await school.SendAsync(message)).Problem(HttpStatusCode.BadRequest);
        Assert.Contains(problem["errors"]!.AsObject(), e => e.Key.EndsWith("participantRoles", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nonsense", "$")]
    [InlineData("{\"sub\":\"sw-1\",\"name\":\"Sanna\",\"org\":\"county-pirkanmaa\",\"agency\":\"social-work\",\"roles\":[1]}", "roles[0]")]
    [InlineData("{\"sub\":\"sw-1\",\"name\":\"Sanna\",\"org\":\"county-pirkanmaa\",\"agency\":\"social-work\",\"roles\":[\"boss\"]}", "roles")]
    [InlineData("{\"sub\":\"sw-1\",\"name\":\"Sanna\",\"org\":\"county-pirkanmaa\",\"agency\":\"police\",\"roles\":[]}", "agency")]
    [InlineData("{\"sub\":\"sw-1\",\"extra\":true}", "extra")]
    public async Task a_bad_dev_token_request_is_400_naming_the_field(string body, string field)
    {
        var response = await host.CreateClient().PostAsync("/dev/tokens", Json(body));
        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(Messages(problem, field));
        if (field == "roles")
        {
            // The valid roles are said where they are refused.
            Assert.Contains("caseworker, responsible-social-worker, consultant-social-worker", Messages(problem, "roles")[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task an_unknown_field_is_unknown_field_naming_it_and_a_bad_query_value_is_keyed_by_its_parameter()
    {
        var worker = host.ClientFor(Caller.SocialWorker());
        var unknown = await (await worker.PostAsync("/api/families",
            Json("{\"children\":[{\"name\":\"Aino\",\"birthDate\":\"2016-05-01\",\"shoeSize\":31}]}"))).Problem(HttpStatusCode.BadRequest);
        Assert.EndsWith("/unknown-field", unknown["type"]!.GetValue<string>(), StringComparison.Ordinal);
        // Named by its name (the JSON reader gives no path for a field it cannot map).
        Assert.Equal(["Unknown field 'shoeSize': the contract does not have it."], Messages(unknown, "shoeSize"));

        var query = await (await worker.GetAsync("/api/deadlines?days=abc")).Problem(HttpStatusCode.BadRequest);
        Assert.EndsWith("/invalid-query", query["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["days takes a whole number."], Messages(query, "days"));
        Assert.DoesNotContain("abc", query.ToJsonString(), StringComparison.Ordinal); // the value is not echoed
    }

    [Fact]
    public async Task a_value_of_the_wrong_type_says_what_is_expected_and_an_enum_lists_its_values()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        var consent = await (await path.SocialWork.PostAsync($"/api/families/{path.FamilyId}/consents", Json("{\"givenBy\":\"the mother\"}")))
            .Problem(HttpStatusCode.BadRequest);
        Assert.StartsWith("Expected an id (a UUID", Messages(consent, "givenBy")[0], StringComparison.Ordinal);

        var source = await (await path.SocialWork.PostAsync($"/api/families/{path.FamilyId}/concerns", Json(
            "{\"childIds\":[\"" + path.ChildIds[0] + "\"],\"kind\":\"rumour\",\"receivedAt\":\"2026-11-30T10:00:00+02:00\"}")))
            .Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["Expected one of: child-welfare-notification, joint-contact, application, pre-birth-notification."], Messages(source, "kind"));
    }

    [Fact]
    public async Task linking_a_school_message_answers_the_streams_own_version()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var worker = Caller.SocialWorker();
        var socialWork = host.ClientFor(worker);
        var pupil = TestPupil.New();
        var messageId = SchoolMessagesFor.NewId();
        await school.AcceptedAsync(SchoolMessagesFor.AbsenceAlert(pupil.PersonId, messageId));
        Assert.Equal("unmatched", (await school.SettledAsync(messageId, until: "unmatched"))["status"]!.GetValue<string>());
        var (familyId, childId) = await pupil.RegisterFamilyAsync(socialWork);

        var linked = await (await socialWork.PostJson($"/api/integrations/school-welfare/messages/{messageId}/link",
            new { senderId = school.SenderId, familyId, childId })).Ok();

        Assert.Equal((await host.EventsOf(worker.Org, familyId)).Count, linked["version"]!.GetValue<long>());
        var picture = await (await socialWork.GetAsync($"/api/families/{familyId}/picture")).Ok();
        Assert.Equal(picture["version"]!.GetValue<long>(), linked["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_full_page_of_the_access_log_links_the_next_and_the_pages_meet_without_gaps()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        for (var i = 0; i < 3; i++)
        {
            await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        }
        var auditor = host.ClientFor(Caller.Auditor());
        var all = (await (await auditor.GetAsync($"/api/audit/access-log?familyId={path.FamilyId}&limit=200")).Ok()).AsArray()
            .Select(r => r!["id"]!.GetValue<long>()).ToList();
        Assert.True(all.Count >= 3);
        var paged = new List<long>();
        var url = $"/api/audit/access-log?familyId={path.FamilyId}&limit=2";
        for (var reads = 0; url is not null && reads < 50; reads++)
        {
            var response = await auditor.GetAsync(url);
            paged.AddRange((await response.Ok()).AsArray().Select(r => r!["id"]!.GetValue<long>()));
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
        }
        // Each read of the log is itself a use of the family's data, logged: the pages run on past the first read's rows.
        Assert.Equal(all, paged.Where(id => id <= all.Max()));
        Assert.Equal(paged.Distinct().Order(), paged);
    }

    [Fact]
    public async Task the_unmatched_school_messages_are_paged_with_link()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = SchoolMessagesFor.NewId();
            await school.AcceptedAsync(SchoolMessagesFor.AbsenceAlert(TestPupil.New().PersonId, id));
            Assert.Equal("unmatched", (await school.SettledAsync(id, until: "unmatched"))["status"]!.GetValue<string>());
            ids.Add(id);
        }
        var social = host.ClientFor(Caller.SocialWorker());
        var seen = new List<string>();
        var url = "/api/integrations/school-welfare/messages?status=unmatched&limit=1";
        for (var reads = 0; url is not null && reads < 100; reads++)
        {
            var response = await social.GetAsync(url);
            var page = (await response.Ok()).AsArray();
            Assert.True(page.Count <= 1);
            seen.AddRange(page.Select(m => m!["messageId"]!.GetValue<string>()));
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
        }
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Subset(seen.ToHashSet(), ids.ToHashSet());
        await (await social.GetAsync("/api/integrations/school-welfare/messages?status=unmatched&cursor=nope")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_404_and_a_405_say_why()
    {
        var worker = host.ClientFor(Caller.SocialWorker());
        var missing = await (await worker.GetAsync("/api/nothing-here")).Problem(HttpStatusCode.NotFound);
        Assert.False(string.IsNullOrWhiteSpace(missing["detail"]?.GetValue<string>()));
        var method = await (await worker.DeleteAsync("/api/families")).Problem(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("DELETE", method["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task every_create_says_where_to_read_what_it_made()
    {
        var worker = host.ClientFor(Caller.SocialWorker());
        var registered = await worker.PostJson("/api/families", Scenarios.AFamily());
        var familyId = (await registered.Ok(HttpStatusCode.Created))["familyId"]!.GetValue<string>();
        Assert.Equal($"/api/families/{familyId}/picture", registered.Headers.Location?.OriginalString);
        await (await worker.GetAsync(registered.Headers.Location!.OriginalString)).Ok();

        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered();
        var raised = await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/concerns", StatutoryPath.SchoolNotification(path.ChildIds, StatutoryPath.Now()));
        var concernId = (await raised.Ok(HttpStatusCode.Created))["concernId"]!.GetValue<string>();
        Assert.Equal($"/api/concerns/{concernId}", raised.Headers.Location?.OriginalString);
        await (await path.SocialWork.GetAsync(raised.Headers.Location!.OriginalString)).Ok();

        // The notifier's 202 points at the status it may follow.
        var notified = await host.ClientFor(Caller.Kuraattori()).PostJson("/api/concerns", new
        {
            child = new { personId = TestPeople.Born(2014, 3, 3), name = "Onni" }, kind = "child-welfare-notification", receivedAt = StatutoryPath.Now(),
            source = new { agency = "school-welfare", organisation = "Hervannan koulu", reporterRole = "kuraattori", anonymous = false },
            description = "Onni sleeps at school.", suspectedOffence = "none", policeReported = false,
        });
        var notificationId = (await notified.Ok(HttpStatusCode.Accepted))["concernId"]!.GetValue<string>();
        Assert.Equal($"/api/concerns/{notificationId}", notified.Headers.Location?.OriginalString);
    }
}
