using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Marten;

namespace Coordination.IntegrationTests.Statutory;

/// <summary>
/// Contract 1.1, "Pre-birth notifications" (LsL 25 c §) and who may apply (LsL 21 §): the pre-birth path from the expected
/// child to its birth, and every bad input of it refused with its status, its problem and not one fact written.
/// </summary>
/// <remarks>
/// The service's clock reads Tue 1 Dec 2026, 12:00 in Helsinki, so that the windows and ages below are written out by hand:
/// an expected birth date may lie from 60 days back (Fri 2 Oct 2026) to 300 days ahead (Mon 27 Sep 2027). Every concern
/// here was received on or before Thu 19 Nov 2026, so its urgency and decision deadlines had passed by 1 Dec: their misses
/// are written with the concern itself and no deadline check is left waiting on a clock that was set back.
/// </remarks>
public sealed class PreBirthAndApplications : IClassFixture<ClockedHost>, IDisposable
{
    private static readonly DateTimeOffset Today = At("2026-12-01T12:00:00+02:00");

    private readonly ClockedHost host;

    public PreBirthAndApplications(ClockedHost host)
    {
        this.host = host;
        host.Clock.SetTo(Today);
    }

    public void Dispose() => host.Clock.Reset();

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    private static Guid Id(JsonNode node, string field) => Guid.Parse(node[field]!.GetValue<string>());

    private static string Messages(JsonNode problem, string field) =>
        string.Join(" | ", problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()));

    // ---- the family and its expected child -------------------------------------------------------------------------

    private sealed record Expecting(HttpClient SocialWork, Caller SocialWorker, Guid FamilyId, Guid BornChildId, string BornChildCode,
        Guid ExpectedChildId, string MotherCode);

    /// <summary>Aino (born 1 May 2016), a child expected on 20 Dec 2026 with no name yet, and their mother Maria.</summary>
    private async Task<Expecting> FamilyExpectingAChild(Caller? socialWorker = null)
    {
        var worker = socialWorker ?? Caller.SocialWorker();
        var client = host.ClientFor(worker);
        var aino = TestPeople.Born(2016, 5, 1);
        var mother = TestPeople.Born(1994, 5, 1);
        var registered = await (await client.PostJson("/api/families", new
        {
            children = new object[]
            {
                new { personId = aino, name = "Aino", birthDate = "2016-05-01" },
                new { expectedBirthDate = "2026-12-20" },
            },
            guardians = new[] { new { personId = mother, name = "Maria", relation = "mother" } },
            municipality = "Tampere", languages = new[] { "fi" },
        })).Ok(HttpStatusCode.Created);
        var childIds = registered["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())).ToList();
        Assert.Equal(2, childIds.Count); // in the order of the request: Aino, then the expected child
        return new Expecting(client, worker, Id(registered, "familyId"), childIds[0], aino, childIds[1], mother);
    }

    private static object PreBirthNotice(IEnumerable<Guid> childIds, string receivedAt) => new
    {
        childIds,
        kind = "pre-birth-notification",
        receivedAt,
        source = new { agency = "health-care", organisation = "Tampereen äitiysneuvola", reporterRole = "public health nurse", anonymous = false },
        description = "The expectant mother's substance use gives reason to expect the child will need support right after birth.",
        suspectedOffence = "none",
        policeReported = false,
    };

    private static object Application(IEnumerable<Guid> childIds, string receivedAt, string agency, bool anonymous = false) => new
    {
        childIds,
        kind = "application",
        receivedAt,
        source = new { agency, organisation = (string?)null, reporterRole = "applicant", anonymous },
        description = "Asks for support at home: the evenings end in shouting and nobody sleeps.",
        suspectedOffence = "none",
    };

    private static async Task<Guid> PreBirthNotified(Expecting f, string receivedAt = "2026-11-02T10:00:00+02:00")
    {
        var raised = await (await f.SocialWork.PostJson($"/api/families/{f.FamilyId}/concerns", PreBirthNotice([f.ExpectedChildId], receivedAt)))
            .Ok(HttpStatusCode.Created);
        return Id(raised, "concernId");
    }

    private static string Births(Expecting f, Guid childId) => $"/api/families/{f.FamilyId}/children/{childId}/birth";

    /// <summary>Sends a request that must be refused, and proves the family's stream did not move.</summary>
    private async Task<JsonNode> Refused(string org, Guid familyId, Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string type)
    {
        var before = (await host.EventsOf(org, familyId)).Count;
        var problem = await (await send()).Problem(status);
        Assert.EndsWith("/" + type, problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await host.EventsOf(org, familyId)).Count);
        return problem;
    }

    /// <summary>Sends a request that must be refused, and proves the organisation holds not one fact and not one notification more.</summary>
    private async Task<JsonNode> RefusedInTheOrganisation(string org, Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string type)
    {
        var events = await host.EventCount(org);
        var notifications = await Notifications(org);
        var problem = await (await send()).Problem(status);
        Assert.EndsWith("/" + type, problem["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(events, await host.EventCount(org));
        Assert.Equal(notifications, await Notifications(org));
        return problem;
    }

    private async Task<int> Notifications(string org)
    {
        await using var session = host.Store.QuerySession(org);
        return await session.Query<Coordination.Intake.Notification>().CountAsync();
    }

    private static JsonNode Child(JsonNode picture, Guid childId) =>
        picture["children"]!.AsArray().Single(c => Guid.Parse(c!["id"]!.GetValue<string>()) == childId)!;

    // ---- the path ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task an_expected_child_is_named_by_a_pre_birth_notification_born_with_its_code_and_found_by_it()
    {
        var f = await FamilyExpectingAChild();
        var concernId = await PreBirthNotified(f);

        var picture = await (await f.SocialWork.GetAsync($"/api/families/{f.FamilyId}/picture")).Ok();
        var expected = Child(picture, f.ExpectedChildId);
        Assert.Equal("2026-12-20", expected["expectedBirthDate"]!.GetValue<string>());
        Assert.Null(expected["birthDate"]);
        Assert.Null(expected["personId"]);
        Assert.Null(expected["name"]);
        Assert.Equal("2016-05-01", Child(picture, f.BornChildId)["birthDate"]!.GetValue<string>());
        var concern = picture["openConcerns"]!.AsArray().Single(c => Guid.Parse(c!["concernId"]!.GetValue<string>()) == concernId)!;
        Assert.Equal("pre-birth-notification", concern["kind"]!.GetValue<string>());
        Assert.Equal([f.ExpectedChildId], concern["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())));

        // Born on Tue 10 Nov 2026, six weeks early, and named Eino.
        var eino = TestPeople.Born(2026, 11, 10);
        var before = (await host.EventsOf(f.SocialWorker.Org, f.FamilyId)).Count;
        var born = await (await f.SocialWork.PostJson(Births(f, f.ExpectedChildId), new { personId = eino, birthDate = "2026-11-10", name = "Eino" }))
            .Ok();
        Assert.Equal(f.ExpectedChildId, Id(born, "childId"));
        Assert.Equal(before + 1, born["version"]!.GetValue<long>());
        Assert.Equal(before + 1, (await host.EventsOf(f.SocialWorker.Org, f.FamilyId)).Count);

        picture = await (await f.SocialWork.GetAsync($"/api/families/{f.FamilyId}/picture")).Ok();
        var child = Child(picture, f.ExpectedChildId);
        Assert.Equal(eino, child["personId"]!.GetValue<string>());
        Assert.Equal("Eino", child["name"]!.GetValue<string>());
        Assert.Equal("2026-11-10", child["birthDate"]!.GetValue<string>());
        Assert.Null(child["expectedBirthDate"]);
        Assert.Equal(2, picture["children"]!.AsArray().Count); // the same child, now born: not a third one

        var found = await (await f.SocialWork.PostJson("/api/families/search", new { personId = eino })).Ok();
        Assert.Equal([f.FamilyId], found.AsArray().Select(x => Guid.Parse(x!["familyId"]!.GetValue<string>())));

        // Born, the child is named by any concern from now on.
        await (await f.SocialWork.PostJson($"/api/families/{f.FamilyId}/concerns",
            StatutoryPath.SchoolNotification([f.ExpectedChildId], "2026-11-19T09:00:00+02:00"))).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_first_pregnancy_registers_a_family_of_only_an_expected_child_and_a_child_is_added_expected_later()
    {
        var worker = Caller.SocialWorker();
        var client = host.ClientFor(worker);
        var registered = await (await client.PostJson("/api/families", new
        {
            children = new[] { new { expectedBirthDate = "2027-03-15", name = "Vauva" } },
            guardians = new[] { new { personId = TestPeople.Born(2001, 2, 3), name = "Emma", relation = "mother" } },
            municipality = "Nokia",
        })).Ok(HttpStatusCode.Created);
        var familyId = Id(registered, "familyId");
        var expectedId = Guid.Parse(Assert.Single(registered["childIds"]!.AsArray())!.GetValue<string>());

        // Twins after all: the second is added as expected too.
        var added = await (await client.PostJson($"/api/families/{familyId}/children", new { expectedBirthDate = "2027-03-15" }))
            .Ok(HttpStatusCode.Created);
        var twinId = Id(added, "childId");

        await (await client.PostJson($"/api/families/{familyId}/concerns", PreBirthNotice([expectedId, twinId], "2026-11-19T14:00:00+02:00")))
            .Ok(HttpStatusCode.Created);

        var picture = await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok();
        Assert.Equal("Vauva", Child(picture, expectedId)["name"]!.GetValue<string>());
        Assert.All([Child(picture, expectedId), Child(picture, twinId)], c =>
        {
            Assert.Equal("2027-03-15", c["expectedBirthDate"]!.GetValue<string>());
            Assert.Null(c["birthDate"]);
        });
    }

    // ---- expected children that are not ----------------------------------------------------------------------------

    [Fact]
    public async Task an_expected_child_with_an_identity_code_or_a_birth_date_is_400()
    {
        var f = await FamilyExpectingAChild();
        var code = TestPeople.Born(2026, 11, 20);

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson($"/api/families/{f.FamilyId}/children",
            new { expectedBirthDate = "2027-01-10", personId = code }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("no personal identity code", Messages(problem, "personId"), StringComparison.Ordinal);

        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson($"/api/families/{f.FamilyId}/children",
            new { expectedBirthDate = "2027-01-10", birthDate = "2026-11-20", name = "Vauva" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("not both", Messages(problem, "birthDate"), StringComparison.Ordinal);

        // The same at registration, for the second child of the request.
        problem = await RefusedInTheOrganisation(f.SocialWorker.Org, () => f.SocialWork.PostJson("/api/families", new
        {
            children = new object[]
            {
                new { personId = TestPeople.Born(2018, 3, 4), name = "Onni" },
                new { expectedBirthDate = "2027-01-10", personId = code, birthDate = "2026-11-20" },
            },
        }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotNull(problem["errors"]!["children[1].personId"]);
        Assert.NotNull(problem["errors"]!["children[1].birthDate"]);
    }

    [Fact]
    public async Task an_expected_birth_date_more_than_300_days_ahead_or_60_days_past_is_400()
    {
        var f = await FamilyExpectingAChild();
        var url = $"/api/families/{f.FamilyId}/children";

        // 1 Dec 2026 + 300 days is Mon 27 Sep 2027; 1 Dec 2026 - 60 days is Fri 2 Oct 2026.
        foreach (var outside in new[] { "2027-09-28", "2026-10-01", "2030-01-01", "2000-01-01" })
        {
            var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url, new { expectedBirthDate = outside }),
                HttpStatusCode.BadRequest, "invalid-request");
            Assert.Contains("between 60 days ago and 300 days ahead", Messages(problem, "expectedBirthDate"), StringComparison.Ordinal);
        }
        var registration = await RefusedInTheOrganisation(f.SocialWorker.Org, () => f.SocialWork.PostJson("/api/families",
            new { children = new[] { new { expectedBirthDate = "2027-09-28" } } }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotNull(registration["errors"]!["children[0].expectedBirthDate"]);

        foreach (var inside in new[] { "2027-09-27", "2026-10-02" })
        {
            await (await f.SocialWork.PostJson(url, new { expectedBirthDate = inside })).Ok(HttpStatusCode.Created);
        }
    }

    // ---- which concern names which child ---------------------------------------------------------------------------

    [Fact]
    public async Task a_pre_birth_notification_naming_a_born_child_is_400()
    {
        var f = await FamilyExpectingAChild();
        var url = $"/api/families/{f.FamilyId}/concerns";

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            PreBirthNotice([f.BornChildId], "2026-11-18T09:00:00+02:00")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("names a child not yet born", Messages(problem, "childIds"), StringComparison.Ordinal);
        // Not even beside the expected one.
        await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            PreBirthNotice([f.ExpectedChildId, f.BornChildId], "2026-11-18T09:00:00+02:00")), HttpStatusCode.BadRequest, "invalid-request");

        // Once the expected child's birth is recorded (28 Nov), a pre-birth notification received after it names a born child.
        await (await f.SocialWork.PostJson(Births(f, f.ExpectedChildId), new { birthDate = "2026-11-28", name = "Eino" })).Ok();
        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            PreBirthNotice([f.ExpectedChildId], "2026-11-30T09:00:00+02:00")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotNull(problem["errors"]!["childIds"]);
    }

    [Fact]
    public async Task a_child_welfare_notification_or_an_application_naming_an_expected_child_is_400()
    {
        var f = await FamilyExpectingAChild();
        var url = $"/api/families/{f.FamilyId}/concerns";

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            StatutoryPath.SchoolNotification([f.ExpectedChildId], "2026-11-18T09:00:00+02:00")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("named only by a pre-birth notification", Messages(problem, "childIds"), StringComparison.Ordinal);
        await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            StatutoryPath.SchoolNotification([f.BornChildId, f.ExpectedChildId], "2026-11-18T09:00:00+02:00")), HttpStatusCode.BadRequest, "invalid-request");
        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            Application([f.ExpectedChildId], "2026-11-18T09:00:00+02:00", "guardian")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotNull(problem["errors"]!["childIds"]);
    }

    [Fact]
    public async Task a_child_welfare_notification_received_before_the_child_was_born_is_400()
    {
        // A notification about a child received before its birth is a pre-birth notification (LsL 25 c §), whatever it is
        // called: born on 28 Nov, the child cannot be the subject of a school's notification received on 18 Nov.
        var f = await FamilyExpectingAChild();
        await (await f.SocialWork.PostJson(Births(f, f.ExpectedChildId), new { birthDate = "2026-11-28", name = "Eino" })).Ok();

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson($"/api/families/{f.FamilyId}/concerns",
            StatutoryPath.SchoolNotification([f.ExpectedChildId], "2026-11-18T09:00:00+02:00")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotNull(problem["errors"]!["childIds"]);
    }

    [Fact]
    public async Task a_pre_birth_notification_or_an_expected_child_through_the_intake_is_400()
    {
        var f = await FamilyExpectingAChild();
        var notifier = host.ClientFor(Caller.SocialWorker());

        var problem = await RefusedInTheOrganisation(f.SocialWorker.Org, () => notifier.PostJson("/api/concerns", new
        {
            child = new { personId = f.BornChildCode, name = "Aino" }, kind = "pre-birth-notification", receivedAt = "2026-11-18T09:00:00+02:00",
            source = new { agency = "health-care", organisation = "Tampereen äitiysneuvola", reporterRole = "public health nurse", anonymous = false },
            description = "The expectant mother's substance use.", suspectedOffence = "none",
        }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("pre-birth notification", Messages(problem, "kind"), StringComparison.Ordinal);

        problem = await RefusedInTheOrganisation(f.SocialWorker.Org, () => notifier.PostJson("/api/concerns", new
        {
            child = new { name = "Vauva", expectedBirthDate = "2026-12-20" }, kind = "child-welfare-notification", receivedAt = "2026-11-18T09:00:00+02:00",
            source = new { agency = "health-care", anonymous = false }, description = "The expectant mother's substance use.", suspectedOffence = "none",
        }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotNull(problem["errors"]!["child.expectedBirthDate"]);
    }

    // ---- the birth ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task the_birth_of_an_unknown_child_is_404_and_of_a_born_child_or_twice_409()
    {
        var f = await FamilyExpectingAChild();

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, Guid.NewGuid()),
            new { birthDate = "2026-11-28", name = "Eino" }), HttpStatusCode.NotFound, "not-found");
        Assert.Contains("child", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // Aino was born long ago: her birth is on the record with her registration.
        await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.BornChildId),
            new { birthDate = "2026-11-28", name = "Eino" }), HttpStatusCode.Conflict, "child-already-born");

        await (await f.SocialWork.PostJson(Births(f, f.ExpectedChildId), new { birthDate = "2026-11-28", name = "Eino" })).Ok();
        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { personId = TestPeople.Born(2026, 11, 28), birthDate = "2026-11-28", name = "Eino" }), HttpStatusCode.Conflict, "child-already-born");
        Assert.Contains("on the record already", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_birth_with_a_code_the_family_holds_already_is_409()
    {
        var f = await FamilyExpectingAChild();

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { personId = f.BornChildCode, name = "Eino" }), HttpStatusCode.Conflict, "already-in-family");
        Assert.Equal("This person is already in the family.", problem["detail"]!.GetValue<string>());
        await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { personId = f.MotherCode, name = "Eino" }), HttpStatusCode.Conflict, "already-in-family");
    }

    [Fact]
    public async Task a_birth_with_an_invalid_code_a_date_the_code_contradicts_or_no_name_is_400()
    {
        var f = await FamilyExpectingAChild();
        var code = TestPeople.Born(2026, 11, 28);
        var wrongCheck = code[..10] + (code[10] == 'A' ? 'B' : 'A');

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { personId = wrongCheck, birthDate = "2026-11-28", name = "Eino" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("check character", Messages(problem, "personId"), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongCheck, problem.ToJsonString(), StringComparison.Ordinal); // a code is never repeated back

        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { personId = "310226A902X", birthDate = "2026-02-28", name = "Eino" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("does not exist", Messages(problem, "personId"), StringComparison.Ordinal); // 31 Feb

        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { personId = code, birthDate = "2026-11-27", name = "Eino" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("does not agree", Messages(problem, "birthDate"), StringComparison.Ordinal);

        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { name = "Eino" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("birth date is required", Messages(problem, "birthDate"), StringComparison.Ordinal);

        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { personId = code, birthDate = "2026-11-28" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotNull(problem["errors"]!["name"]);
    }

    [Fact]
    public async Task a_birth_a_week_ahead_is_400()
    {
        var f = await FamilyExpectingAChild();
        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { birthDate = "2026-12-08", name = "Eino" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("in the future", Messages(problem, "birthDate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_birth_tomorrow_is_400()
    {
        // Today is Tue 1 Dec 2026 in Helsinki (and in UTC): Wed 2 Dec has not happened yet.
        var f = await FamilyExpectingAChild();
        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { birthDate = "2026-12-02", name = "Eino" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotNull(problem["errors"]!["birthDate"]);
    }

    [Fact]
    public async Task a_birth_whose_code_encodes_a_day_ahead_is_400()
    {
        // No birthDate given: the date is the code's, Tue 8 Dec 2026, a week ahead.
        var f = await FamilyExpectingAChild();
        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { personId = TestPeople.Born(2026, 12, 8), name = "Eino" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem["errors"]!["birthDate"] is not null || problem["errors"]!["personId"] is not null, problem.ToJsonString());
    }

    [Fact]
    public async Task a_birth_dated_before_the_pre_birth_notification_was_received_is_400_naming_it()
    {
        var f = await FamilyExpectingAChild();
        // Received Mon 16 Nov 2026 at 00:30 in Helsinki, which is still Sun 15 Nov in UTC.
        var concernId = await PreBirthNotified(f, "2026-11-16T00:30:00+02:00");

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(Births(f, f.ExpectedChildId),
            new { birthDate = "2026-11-15", name = "Eino" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("concern-received", Messages(problem, "birthDate"), StringComparison.Ordinal);
        var earlier = problem["earlierFact"]!;
        Assert.Equal("concern-received", earlier["fact"]!.GetValue<string>());
        Assert.Equal(concernId, Id(earlier, "id"));
        Assert.Equal(At("2026-11-15T22:30:00Z"), At(earlier["occurredAt"]!.GetValue<string>()));

        // Born later on the day the notification was received: in order.
        await (await f.SocialWork.PostJson(Births(f, f.ExpectedChildId), new { birthDate = "2026-11-16", name = "Eino" })).Ok();
    }

    [Fact]
    public async Task a_pre_birth_notification_recorded_after_the_birth_but_received_before_it_is_accepted()
    {
        // The maternity clinic's notification of 18 Nov reaches the record only after the birth of 28 Nov was recorded.
        var f = await FamilyExpectingAChild();
        await (await f.SocialWork.PostJson(Births(f, f.ExpectedChildId), new { birthDate = "2026-11-28", name = "Eino" })).Ok();

        await (await f.SocialWork.PostJson($"/api/families/{f.FamilyId}/concerns", PreBirthNotice([f.ExpectedChildId], "2026-11-18T09:00:00+02:00")))
            .Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_notification_and_a_birth_on_the_same_day_are_in_order_whichever_is_recorded_first()
    {
        // Recorded notification first: received Mon 16 Nov 10:00, born that day, is in order (see the test above).
        var first = await FamilyExpectingAChild();
        await PreBirthNotified(first, "2026-11-16T10:00:00+02:00");
        await (await first.SocialWork.PostJson(Births(first, first.ExpectedChildId), new { birthDate = "2026-11-16", name = "Eino" })).Ok();

        // The same two facts, the birth recorded first.
        var second = await FamilyExpectingAChild();
        await (await second.SocialWork.PostJson(Births(second, second.ExpectedChildId), new { birthDate = "2026-11-16", name = "Eino" })).Ok();
        await (await second.SocialWork.PostJson($"/api/families/{second.FamilyId}/concerns",
            PreBirthNotice([second.ExpectedChildId], "2026-11-16T10:00:00+02:00"))).Ok(HttpStatusCode.Created);
    }

    // ---- who records a birth ----------------------------------------------------------------------------------------

    [Fact]
    public async Task a_coordinator_or_another_agency_recording_a_birth_is_403()
    {
        var coordinator = new Caller($"co-{Guid.NewGuid():N}"[..12], "Kalle Koordinaattori", Orgs.Pirkanmaa, "social-work", "coordinator");
        var kuraattori = Caller.Kuraattori();
        foreach (var (who, role) in new[] { (coordinator, "coordinator"), (kuraattori, "clinician") })
        {
            // Each on a family of its own, in its team: a relationship with the family, but not a social worker's.
            var f = await FamilyExpectingAChild();
            await new StatutoryPath(host, f.SocialWorker).ForFamily(f.FamilyId).RelatedThroughTeam(who, role);

            var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => host.ClientFor(who).PostJson(Births(f, f.ExpectedChildId),
                new { birthDate = "2026-11-28", name = "Eino" }), HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains("records a birth", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task a_birth_on_a_family_the_caller_has_no_relationship_with_is_404()
    {
        var f = await FamilyExpectingAChild();
        foreach (var stranger in new[] { Caller.SocialWorker(f.SocialWorker.Org), Caller.SocialWorker(Orgs.Uusimaa) })
        {
            var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => host.ClientFor(stranger).PostJson(Births(f, f.ExpectedChildId),
                new { birthDate = "2026-11-28", name = "Eino" }), HttpStatusCode.NotFound, "not-found");
            Assert.DoesNotContain("child", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal); // it names the family, no more
        }
    }

    // ---- applications -------------------------------------------------------------------------------------------------

    private sealed record ApplyingFamily(HttpClient SocialWork, Caller SocialWorker, Guid FamilyId, Guid Onni, Guid Aino);

    /// <summary>Onni, who turns 12 on Sun 15 Nov 2026, and Aino (born 1 May 2016), with their father.</summary>
    private async Task<ApplyingFamily> FamilyOfOnni()
    {
        var worker = Caller.SocialWorker();
        var client = host.ClientFor(worker);
        var registered = await (await client.PostJson("/api/families", new
        {
            children = new[]
            {
                new { personId = TestPeople.Born(2014, 11, 15), name = "Onni", birthDate = "2014-11-15" },
                new { personId = TestPeople.Born(2016, 5, 1), name = "Aino", birthDate = "2016-05-01" },
            },
            guardians = new[] { new { personId = TestPeople.Born(1985, 7, 9), name = "Jussi", relation = "father" } },
        })).Ok(HttpStatusCode.Created);
        var ids = registered["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())).ToList();
        return new ApplyingFamily(client, worker, Id(registered, "familyId"), ids[0], ids[1]);
    }

    [Fact]
    public async Task an_application_from_the_police_or_anonymous_is_400()
    {
        var f = await FamilyOfOnni();
        var url = $"/api/families/{f.FamilyId}/concerns";

        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            Application([f.Aino], "2026-11-18T09:00:00+02:00", "police")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("guardian, legal-representative or child", Messages(problem, "source.agency"), StringComparison.Ordinal);
        foreach (var agency in new[] { "school", "private-person", "social-work" })
        {
            await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
                Application([f.Aino], "2026-11-18T09:00:00+02:00", agency)), HttpStatusCode.BadRequest, "invalid-request");
        }

        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            Application([f.Aino], "2026-11-18T09:00:00+02:00", "guardian", anonymous: true)), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("cannot be anonymous", Messages(problem, "source.anonymous"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_guardian_or_a_legal_representative_applies_for_any_child()
    {
        var f = await FamilyOfOnni();
        var url = $"/api/families/{f.FamilyId}/concerns";
        await (await f.SocialWork.PostJson(url, Application([f.Onni, f.Aino], "2026-11-18T09:00:00+02:00", "guardian"))).Ok(HttpStatusCode.Created);
        await (await f.SocialWork.PostJson(url, Application([f.Aino], "2026-11-18T10:00:00+02:00", "legal-representative"))).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task a_child_applies_from_the_helsinki_day_of_their_12th_birthday_for_themself_alone()
    {
        var f = await FamilyOfOnni();
        var url = $"/api/families/{f.FamilyId}/concerns";

        // Sat 14 Nov 2026, 23:30 in Helsinki: Onni is 11 for another half hour.
        var problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            Application([f.Onni], "2026-11-14T23:30:00+02:00", "child")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("12", Messages(problem, "source.agency"), StringComparison.Ordinal);
        // Aino is 10.
        await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            Application([f.Aino], "2026-11-18T09:00:00+02:00", "child")), HttpStatusCode.BadRequest, "invalid-request");
        // Onni, 12 now, cannot apply for his sister too.
        problem = await Refused(f.SocialWorker.Org, f.FamilyId, () => f.SocialWork.PostJson(url,
            Application([f.Onni, f.Aino], "2026-11-18T09:00:00+02:00", "child")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("that one child", Messages(problem, "source.agency"), StringComparison.Ordinal);

        // Sun 15 Nov 2026, 00:30 in Helsinki (still 14 Nov in UTC): his 12th birthday.
        await (await f.SocialWork.PostJson(url, Application([f.Onni], "2026-11-15T00:30:00+02:00", "child"))).Ok(HttpStatusCode.Created);
    }

    private static object IntakeApplication(string personId, string receivedAt, string agency) => new
    {
        child = new { personId, name = "Onni" },
        kind = "application",
        receivedAt,
        source = new { agency, reporterRole = "applicant", anonymous = false },
        description = "Asks for support at home: the evenings end in shouting and nobody sleeps.",
        suspectedOffence = "none",
    };

    [Fact]
    public async Task the_intake_refuses_an_application_from_the_police_or_a_child_of_11()
    {
        var socialWorker = Caller.SocialWorker();
        var intake = host.ClientFor(socialWorker);
        var onni = TestPeople.Born(2014, 11, 15);

        var problem = await RefusedInTheOrganisation(socialWorker.Org, () => intake.PostJson("/api/concerns",
            IntakeApplication(onni, "2026-11-18T09:00:00+02:00", "police")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("guardian, legal-representative or child", Messages(problem, "source.agency"), StringComparison.Ordinal);

        problem = await RefusedInTheOrganisation(socialWorker.Org, () => intake.PostJson("/api/concerns",
            IntakeApplication(onni, "2026-11-14T23:30:00+02:00", "child")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("12", Messages(problem, "source.agency"), StringComparison.Ordinal);

        // The same child on his 12th birthday (00:30 in Helsinki, 14 Nov in UTC) is received.
        var receipt = await (await intake.PostJson("/api/concerns", IntakeApplication(onni, "2026-11-15T00:30:00+02:00", "child")))
            .Ok(HttpStatusCode.Accepted);
        Assert.Equal("received", receipt["status"]!.GetValue<string>());
    }
}
