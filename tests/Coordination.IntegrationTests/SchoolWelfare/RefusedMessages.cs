using System.Net;
using System.Text;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.SchoolSender;

namespace Coordination.IntegrationTests.SchoolWelfare;

/// <summary>
/// What the inbound route refuses, and that a refusal stores nothing: no message record (except a signed message's
/// rejection, which its sender can look up), no inbox envelope, no fact.
/// </summary>
public sealed class RefusedMessages(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private async Task<(SchoolSystem School, TestPupil Pupil, int Events)> Setup()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var pupil = TestPupil.New();
        await pupil.RegisterFamilyAsync(host.ClientFor(Caller.SocialWorker()));
        return (school, pupil, await host.EventCount(Orgs.Pirkanmaa));
    }

    private async Task NothingStored(SchoolSystem school, int events)
    {
        await Task.Delay(300); // anything accepted would be processing by now
        Assert.Equal(0, await school.RecordsAsync());
        Assert.Equal(events, await host.EventCount(Orgs.Pirkanmaa));
    }

    [Fact]
    public async Task A_wrong_missing_or_malformed_signature_or_an_unknown_sender_is_401_and_stores_nothing()
    {
        var (school, pupil, events) = await Setup();
        var body = SchoolSystem.Bytes(SchoolMessagesFor.WelfareConcern(pupil.PersonId));
        var wrongSecret = SchoolWelfareSender.Sign(Encoding.UTF8.GetBytes(SchoolSystem.NewSecret()), body);
        var right = SchoolWelfareSender.Sign(Encoding.UTF8.GetBytes(school.Secret), body);

        foreach (var signature in new[] { wrongSecret, null, "", "sha256=", right.ToUpperInvariant().Replace("SHA256=", "sha1=", StringComparison.Ordinal),
                     right[..^2], right + "00", "sha256=" + new string('z', 64) })
        {
            var problem = await (await school.Sender.SendAsync(body, signature, "application/json")).Problem(HttpStatusCode.Unauthorized);
            Assert.Equal("https://coordination.example/problems/bad-signature", problem["type"]!.GetValue<string>());
        }
        // A sender id nobody registered, signed with a real secret: the same answer, nothing said about which part was wrong.
        var stranger = new SchoolWelfareSender(host.CreateClient(), "no-such-sender", school.Secret);
        (await (await stranger.SendAsync(body)).Problem(HttpStatusCode.Unauthorized))["type"]!.GetValue<string>();
        await NothingStored(school, events);
    }

    [Fact]
    public async Task A_body_cut_short_after_signing_is_401_and_a_signed_cut_body_is_400()
    {
        var (school, pupil, events) = await Setup();
        var body = SchoolSystem.Bytes(SchoolMessagesFor.WelfareConcern(pupil.PersonId));
        var truncated = body[..(body.Length / 2)];
        var signedWhole = SchoolWelfareSender.Sign(Encoding.UTF8.GetBytes(school.Secret), body);
        await (await school.Sender.SendAsync(truncated, signedWhole, "application/json")).Problem(HttpStatusCode.Unauthorized);

        var problem = await (await school.Sender.SendAsync(truncated)).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("https://coordination.example/problems/malformed-json", problem["type"]!.GetValue<string>());
        Assert.NotNull(problem["errors"]);
        await NothingStored(school, events);
    }

    [Fact]
    public async Task Wrong_content_type_is_415_and_a_body_over_256_KiB_is_413_before_anything_is_read()
    {
        var (school, pupil, events) = await Setup();
        var body = SchoolSystem.Bytes(SchoolMessagesFor.WelfareConcern(pupil.PersonId));
        var signature = SchoolWelfareSender.Sign(Encoding.UTF8.GetBytes(school.Secret), body);
        await (await school.Sender.SendAsync(body, signature, "text/plain")).Problem(HttpStatusCode.UnsupportedMediaType);
        await (await school.Sender.SendAsync(body, signature, "application/xml")).Problem(HttpStatusCode.UnsupportedMediaType);

        // 1 MiB, validly signed: refused on size alone.
        var huge = Encoding.UTF8.GetBytes("{\"messageId\":\"big\",\"payload\":\"" + new string('x', 1024 * 1024) + "\"}");
        await (await school.Sender.SendAsync(huge)).Problem(HttpStatusCode.RequestEntityTooLarge);
        await NothingStored(school, events);
    }

    [Fact]
    public async Task An_unknown_type_or_schema_version_is_400_with_its_reason_and_the_status_route_says_rejected()
    {
        var (school, pupil, events) = await Setup();
        var unknownVersion = SchoolMessagesFor.NewId();
        var problem = await (await school.SendAsync(SchoolMessagesFor.WelfareConcern(pupil.PersonId, unknownVersion, schemaVersion: "2.0")))
            .Problem(HttpStatusCode.BadRequest);
        Assert.Equal("https://coordination.example/problems/unsupported-schema-version", problem["type"]!.GetValue<string>());
        Assert.Contains("1.0", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(problem["errors"]!["schemaVersion"]);

        var unknownType = SchoolMessagesFor.NewId();
        problem = await (await school.SendAsync(SchoolMessagesFor.WelfareConcern(pupil.PersonId, unknownType, type: "grade-report")))
            .Problem(HttpStatusCode.BadRequest);
        Assert.Equal("https://coordination.example/problems/unknown-message-type", problem["type"]!.GetValue<string>());

        var status = await school.StatusAsync(unknownVersion);
        Assert.Equal("rejected", status["status"]!.GetValue<string>());
        Assert.Contains("schema version", status["reason"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("rejected", (await school.StatusAsync(unknownType))["status"]!.GetValue<string>());
        await Task.Delay(300);
        Assert.Equal(events, await host.EventCount(Orgs.Pirkanmaa));

        // Sent again, right, under the same id: accepted and processed.
        await school.AcceptedAsync(SchoolMessagesFor.WelfareConcern(pupil.PersonId, unknownVersion));
        Assert.Equal("processed", (await school.SettledAsync(unknownVersion))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Far_future_sentAt_unknown_fields_wrong_enums_bad_identity_codes_and_missing_fields_are_400_by_field()
    {
        var (school, pupil, events) = await Setup();
        var cases = new (object Message, string Field)[]
        {
            (SchoolMessagesFor.WelfareConcern(pupil.PersonId, sentAt: DateTimeOffset.UtcNow.AddDays(30)), "sentAt"),
            (SchoolMessagesFor.WelfareConcern("010516B902X"), "pupil.personId"),
            (SchoolMessagesFor.Envelope("welfare-concern", new { description = "x", grade = 9 }, pupil.PersonId), "payload.grade"),
            (SchoolMessagesFor.Envelope("welfare-concern", new { reporterRole = "kuraattori" }, pupil.PersonId), "payload.description"),
            (SchoolMessagesFor.Envelope("welfare-status", new { status = "going-great" }, pupil.PersonId), "payload.status"),
            (SchoolMessagesFor.Envelope("absence-alert", new { from = "2026-11-20", to = "2026-10-01", absentHours = 5, unexplainedHours = 9 },
                pupil.PersonId), "payload.to"),
            (SchoolMessagesFor.Envelope("welfare-concern", SchoolMessagesFor.ConcernPayload, pupil.PersonId, legalBasis: "because"), "legalBasis"),
        };
        foreach (var (message, field) in cases)
        {
            var problem = await (await school.SendAsync(message)).Problem(HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]?[field] is not null, $"{field}: {problem.ToJsonString()}");
            Assert.DoesNotContain("010516B902X", problem.ToJsonString(), StringComparison.Ordinal);
        }
        var unknownTop = Encoding.UTF8.GetBytes("{\"messageId\":\"m-1\",\"surprise\":true}");
        Assert.NotNull((await (await school.Sender.SendAsync(unknownTop)).Problem(HttpStatusCode.BadRequest))["errors"]!["surprise"]);
        await Task.Delay(300);
        Assert.Equal(events, await host.EventCount(Orgs.Pirkanmaa));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(pupil.PersonId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fifty_concurrent_copies_of_one_message_make_one_concern_and_another_body_under_its_id_is_409()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var pupil = TestPupil.New();
        var (familyId, _) = await pupil.RegisterFamilyAsync(host.ClientFor(Caller.SocialWorker()));
        var messageId = SchoolMessagesFor.NewId();
        var body = SchoolSystem.Bytes(SchoolMessagesFor.WelfareConcern(pupil.PersonId, messageId));

        using var start = new SemaphoreSlim(0);
        var copies = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await school.Sender.SendAsync(body);
            return (await response.Ok(HttpStatusCode.Accepted))["status"]!.GetValue<string>();
        }).ToList();
        start.Release(50);
        var answers = await Task.WhenAll(copies);

        Assert.Equal(1, answers.Count(a => a == "accepted"));
        Assert.Equal(49, answers.Count(a => a == "duplicate"));
        Assert.Equal("processed", (await school.SettledAsync(messageId))["status"]!.GetValue<string>());
        // And once more, after processing: still a duplicate, still one concern.
        Assert.Equal("duplicate", (await (await school.Sender.SendAsync(body)).Ok(HttpStatusCode.Accepted))["status"]!.GetValue<string>());
        await Task.Delay(300);
        var events = await host.EventsOf(Orgs.Pirkanmaa, familyId);
        Assert.Single(events, e => e.Data is Coordination.Concerns.ConcernRaised);
        Assert.Equal(1, await school.RecordsAsync());

        var other = SchoolSystem.Bytes(SchoolMessagesFor.AbsenceAlert(pupil.PersonId, messageId));
        var problem = await (await school.Sender.SendAsync(other)).Problem(HttpStatusCode.Conflict);
        Assert.Equal("https://coordination.example/problems/message-id-reused", problem["type"]!.GetValue<string>());
    }
}
