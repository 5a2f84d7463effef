using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Marten;

namespace Coordination.IntegrationTests.SchoolWelfare;

/// <summary>Each message type, sent signed by a registered school system, ends up on the pupil's family and in its picture.</summary>
public sealed class MessagesIntoThePicture(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    [Fact]
    public async Task A_welfare_concern_becomes_a_concern_from_the_school_with_its_clock_running_from_receipt()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var worker = Caller.SocialWorker();
        var social = host.ClientFor(worker);
        var pupil = TestPupil.New();
        var (familyId, childId) = await pupil.RegisterFamilyAsync(social);
        var messageId = SchoolMessagesFor.NewId();

        var before = DateTimeOffset.UtcNow;
        await school.AcceptedAsync(SchoolMessagesFor.WelfareConcern(pupil.PersonId, messageId));
        var status = await school.SettledAsync(messageId);

        Assert.Equal("processed", status["status"]!.GetValue<string>());
        Assert.Equal(familyId.ToString(), status["familyId"]!.GetValue<string>());
        var picture = await (await social.GetAsync($"/api/families/{familyId}/picture")).Ok();
        var concern = Assert.Single(picture["concerns"]!.AsArray())!;
        Assert.Equal("school-welfare", concern["source"]!["agency"]!.GetValue<string>());
        Assert.Equal("Hervannan koulu", concern["source"]!["organisation"]!.GetValue<string>());
        Assert.Equal("Aino has said she is afraid to go home.", concern["description"]!.GetValue<string>());
        Assert.Equal(childId.ToString(), concern["childIds"]![0]!.GetValue<string>());
        Assert.Equal(messageId, concern["via"]!["messageId"]!.GetValue<string>());
        Assert.Equal("lsl-25", concern["via"]!["legalBasis"]!.GetValue<string>());
        var receivedAt = concern["receivedAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(receivedAt, before.AddSeconds(-1), status["receivedAt"]!.GetValue<DateTimeOffset>().AddMilliseconds(1));
        // LsL 26 §: the decision is due on the 7th working day after receipt, and the deadline check is scheduled.
        Assert.Equal(Coordination.Deadlines.DeadlineRules.DecisionDue(receivedAt).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            concern["decisionDue"]!.GetValue<string>());
        Assert.Contains(picture["deadlines"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "assessment-decision");

        // The school system is the actor, as integration; it gets no client relationship and is no contact in the picture.
        var events = await host.EventsOf(Orgs.Pirkanmaa, familyId);
        var raised = Assert.IsType<Coordination.Concerns.ConcernRaised>(events[^1].Data);
        Assert.Equal(school.SenderId, raised.By.Id);
        Assert.Equal(Coordination.Identity.Agency.Integration, raised.By.Agency);
        Assert.DoesNotContain(picture["professionals"]!.AsArray(), p => p!["professionalId"]!.GetValue<string>() == school.SenderId);

        // ATL 39 §: the disclosure log says what arrived, from whom, under which basis.
        var log = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?familyId={familyId}")).Ok();
        var received = Assert.Single(log.AsArray(), e => e!["purpose"]!.GetValue<string>() == "received-from-school")!;
        Assert.Equal("disclosure", received["kind"]!.GetValue<string>());
        Assert.Equal($"concern:{raised.ConcernId}", received["data"]!.GetValue<string>());
        Assert.Equal(school.SenderId, received["professionalId"]!.GetValue<string>());
        Assert.Equal("lsl-25", received["basis"]!.GetValue<string>());
        Assert.Equal("school-welfare", received["ownerAgency"]!.GetValue<string>());
    }

    [Fact]
    public async Task Expert_group_meetings_absence_alerts_and_welfare_statuses_show_in_the_picture_by_their_basis()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var worker = Caller.SocialWorker();
        var social = host.ClientFor(worker);
        var pupil = TestPupil.New();
        var (familyId, _) = await pupil.RegisterFamilyAsync(social);
        // Child psychiatry is related to the family (it is in the family's team), without any basis for the school's records.
        var psychiatrist = Caller.Psychiatrist();
        var psychiatry = host.ClientFor(psychiatrist);
        await new StatutoryPath(host, worker).ForFamily(familyId).RelatedThroughTeam(psychiatrist);

        var ids = new[] { SchoolMessagesFor.NewId(), SchoolMessagesFor.NewId(), SchoolMessagesFor.NewId() };
        await school.AcceptedAsync(SchoolMessagesFor.ExpertGroupMeeting(pupil.PersonId, ids[0]));
        await school.AcceptedAsync(SchoolMessagesFor.AbsenceAlert(pupil.PersonId, ids[1]));
        await school.AcceptedAsync(SchoolMessagesFor.WelfareStatus(pupil.PersonId, ids[2], legalBasis: "atl-56"));
        foreach (var id in ids)
        {
            Assert.Equal("processed", (await school.SettledAsync(id))["status"]!.GetValue<string>());
        }

        var picture = await (await social.GetAsync($"/api/families/{familyId}/picture")).Ok();
        var reports = picture["schoolReports"]!.AsArray();
        Assert.Equal(3, reports.Count);
        var meeting = Assert.Single(reports, r => r!["type"]!.GetValue<string>() == "expert-group-meeting")!;
        Assert.Equal("2026-11-20", meeting["heldOn"]!.GetValue<string>());
        Assert.Equal(3, meeting["participantRoles"]!.AsArray().Count);
        var absence = Assert.Single(reports, r => r!["type"]!.GetValue<string>() == "absence-alert")!;
        Assert.Equal(64, absence["unexplainedHours"]!.GetValue<int>());
        var status = Assert.Single(reports, r => r!["type"]!.GetValue<string>() == "welfare-status")!;
        Assert.Equal("support-started", status["status"]!.GetValue<string>());
        Assert.Equal("intensified", status["supportLevel"]!.GetValue<string>());
        Assert.Contains(picture["timeline"]!.AsArray(), t => t!["what"]!.GetValue<string>().StartsWith("Absence alert", StringComparison.Ordinal));

        // Child psychiatry has no basis for the expert group's or the absence record (atl-64, lsl-25 are for social work):
        // it sees that they exist, not what they say. The status sent under ATL 56 § it reads.
        var theirs = (await (await psychiatry.GetAsync($"/api/families/{familyId}/picture")).Ok())["schoolReports"]!.AsArray();
        Assert.Equal(3, theirs.Count);
        Assert.True(Assert.Single(theirs, r => r!["type"]!.GetValue<string>() == "expert-group-meeting")!["withheld"]!.GetValue<bool>());
        Assert.True(Assert.Single(theirs, r => r!["type"]!.GetValue<string>() == "absence-alert")!["withheld"]!.GetValue<bool>());
        Assert.Null(Assert.Single(theirs, r => r!["type"]!.GetValue<string>() == "absence-alert")!["unexplainedHours"]);
        Assert.Equal("support-started", Assert.Single(theirs, r => r!["type"]!.GetValue<string>() == "welfare-status")!["status"]!.GetValue<string>());
        var text = await (await psychiatry.GetAsync($"/api/families/{familyId}/picture")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("intensified support and a meeting", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Mostly Mondays", text, StringComparison.Ordinal);

        // The social worker's reads of the school's records are disclosures, each with its basis.
        var log = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?familyId={familyId}&professionalId={worker.Id}")).Ok();
        var bases = log.AsArray().Where(e => e!["data"]!.GetValue<string>().StartsWith("school-report:", StringComparison.Ordinal))
            .Select(e => e!["basis"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(new HashSet<string> { "atl-64", "lsl-25", "atl-56" }, bases);
    }
}
