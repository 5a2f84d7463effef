using System.Net.Http;
using System.Text;
using Coordination.IntegrationTests.Generated;
using Coordination.IntegrationTests.Generated.Api.Integrations.SchoolWelfare.Messages;
using Coordination.IntegrationTests.Generated.Models;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Coordination.SchoolSender;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Coordination.IntegrationTests.Api;

/// <summary>
/// The main workflow driven only through a C# client that Kiota generated at build time from the service's own OpenAPI
/// document (GeneratedClient.targets): if the document is wrong, this does not compile or does not pass.
/// </summary>
public sealed class TheGeneratedClient(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private CoordinationClient ClientFor(Caller who, DelegatingHandler? handler = null)
    {
        var http = handler is null ? host.ClientFor(who) : host.CreateDefaultClient(handler);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            // The document's only server is "/", relative to where it was read: the client is told where that is.
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        };
        return new CoordinationClient(adapter);
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task the_whole_workflow_runs_through_the_generated_client()
    {
        try
        {
            await Workflow();
        }
        catch (HttpValidationProblemDetails problem)
        {
            // The generated exception keeps what the problem said: name it, rather than "Exception of type ... was thrown".
            var errors = problem.Errors?.AdditionalData.Select(e => $"{e.Key}: {string.Join("; ", ((UntypedArray)e.Value).GetValue().Select(m => ((UntypedString)m).GetValue()))}");
            Assert.Fail($"{problem.ResponseStatusCode} {problem.Title}: {problem.Detail} {string.Join(" | ", errors ?? [])}");
        }
        catch (ProblemDetails problem)
        {
            Assert.Fail($"{problem.ResponseStatusCode} {problem.Type} {problem.Title}: {problem.Detail}");
        }
    }

    private async Task Workflow()
    {
        var worker = Caller.SocialWorker();
        var socialWork = ClientFor(worker);
        var psychiatrist = ClientFor(Caller.Psychiatrist());
        var familyWorker = ClientFor(Caller.FamilyWorker());
        var aino = TestPeople.Born(2016, 5, 1);

        // Register.
        var registered = await socialWork.Api.Families.PostAsync(new RegisterFamily
        {
            Children =
            [
                new ChildInput { PersonId = aino, Name = "Aino", BirthDate = new Date(2016, 5, 1) },
                new ChildInput { PersonId = TestPeople.Born(2016, 5, 2), Name = "Eino" },
            ],
            Guardians = [new GuardianInput { PersonId = TestPeople.Born(1994, 5, 1), Name = "Maria", Relation = "mother" }],
            Municipality = "Tampere",
            Languages = ["fi"],
        });
        var familyId = registered!.FamilyId!.Value;
        var childIds = registered.ChildIds!.Select(c => c!.Value).ToList();
        var family = socialWork.Api.Families[familyId];
        Assert.Equal(2, childIds.Count);

        // Concern, its urgency and the decision that starts the assessment.
        var concern = await family.Concerns.PostAsync(new RaiseConcern
        {
            ChildIds = [.. childIds.Cast<Guid?>()], Kind = ConcernKind.ChildWelfareNotification, ReceivedAt = At("2026-11-03T09:15:00+02:00"),
            Source = new SourceInput { Agency = SourceAgency.SchoolWelfare, Organisation = "Hervannan koulu", ReporterRole = "kuraattori", Anonymous = false },
            Description = "Repeated absences and the child says there is no food at home.", SuspectedOffence = SuspectedOffence.None,
            PoliceReported = false,
        });
        var concernId = concern!.ConcernId!.Value;
        Assert.Equal(new Date(2026, 11, 12), concern.DecisionDue);
        await family.Concerns[concernId].Urgency.PostAsync(new AssessUrgency
        {
            Urgent = false, AssessedAt = At("2026-11-03T11:00:00+02:00"), Reasoning = "Not in immediate danger.",
        });
        var decided = await family.Concerns[concernId].Decision.PostAsync(new DecideOnConcern
        {
            Decision = ConcernDecision.StartAssessment, DecidedAt = At("2026-11-06T10:00:00+02:00"),
            ChildAndGuardianInformedAt = At("2026-11-06T12:00:00+02:00"),
        });
        var assessmentId = decided!.AssessmentId!.Value;
        Assert.Equal(new Date(2027, 2, 3), decided.CompletionDue);
        var assessment = family.Assessments[assessmentId];

        // Invitations, and the invited agencies' contributions.
        async Task<Guid> Invite(Agency agency) => (await assessment.Invitations.PostAsync(new InviteAgency
        {
            Agency = agency, Question = "What do you know of the children?", RespondBy = new Date(2027, 1, 15),
        }))!.InvitationId!.Value;
        var toPsychiatry = await Invite(Agency.ChildPsychiatry);
        var toFamilyWork = await Invite(Agency.FamilyWork);
        var psychiatric = await psychiatrist.Api.Families[familyId].Assessments[assessmentId].Contributions.PostAsync(new RecordContribution
        {
            InvitationId = toPsychiatry, ChildIds = [childIds[0]], Summary = "Anxious; sleeps badly.", Observations = "Two visits.",
            Category = ContributionCategory.PsychiatricEntry, LegalBasis = LegalBasis.Atl535,
        });
        await familyWorker.Api.Families[familyId].Assessments[assessmentId].Contributions.PostAsync(new RecordContribution
        {
            InvitationId = toFamilyWork, ChildIds = [.. childIds.Cast<Guid?>()], Summary = "Seen twice at home; the mother is exhausted.",
            Observations = "Kitchen empty on both visits.", Category = ContributionCategory.General, LegalBasis = LegalBasis.Atl64,
        });

        // Hearing each child, then the conclusion.
        await assessment.ChildHearings.PostAsync(new RecordChildHearing
        {
            ChildId = childIds[0], HeardAt = At("2026-11-16T14:00:00+02:00"), Method = HearingMethod.AtSchool, Views = "Wants things to calm down at home.",
        });
        await assessment.ChildHearings.PostAsync(new RecordChildHearing
        {
            ChildId = childIds[1], HeardAt = At("2026-11-17T10:00:00+02:00"), NotHeardReason = "Too young to be heard in words; observed at home.",
        });
        var concluded = await assessment.Conclusion.PostAsync(new ConcludeAssessment
        {
            Outcome = AssessmentOutcome.ChildProtectionClient, Summary = "Support in open care is needed.", ClientOpinion = "The mother agrees.",
            NamedWorkerNeeded = true, ResponsibleSocialWorkerId = worker.Id, ConcludedAt = At("2026-11-20T15:00:00+02:00"),
        });
        Assert.NotNull(concluded);

        // Consent: the mother lets the psychiatric entries be shown to social work.
        var consent = await family.Consents.PostAsync(new GiveConsent
        {
            GivenBy = registered.GuardianIds![0], Recipients = [Agency.SocialWork], DataCategories = [ConsentCategory.PsychiatricEntries],
            Purpose = "service-need-assessment", GivenAt = DateTimeOffset.UtcNow.AddHours(-1),
        });
        Assert.NotNull(consent!.ConsentId);

        // The picture after it all.
        var picture = await family.Picture.GetAsync();
        Assert.Equal(familyId, picture!.FamilyId);
        Assert.Null(picture.Assessment);
        var past = Assert.Single(picture.PastAssessments!);
        Assert.Equal("concluded", past.Status);
        Assert.Equal(AssessmentOutcome.ChildProtectionClient, past.Conclusion!.Outcome);
        Assert.Equal(2, past.Hearings!.Count);
        Assert.Equal(2, past.Invitations!.Count);
        Assert.Single(picture.ConsentsInForce!);
        Assert.All(picture.Deadlines!, d => Assert.Equal(DeadlineState.Met, d.State));

        // Team and agenda: a consultant forms a team, the worker joins, the family is allocated, a meeting is scheduled.
        var lead = new Caller($"csw-{Guid.NewGuid():N}"[..12], "Kaija Konsultoiva", worker.Org, "social-work", "consultant-social-worker");
        var consultant = ClientFor(lead);
        var teamId = (await consultant.Api.Teams.PostAsync(new FormTeam { Name = "Tiimi" }))!.TeamId!.Value;
        await consultant.Api.Teams[teamId].Members.PostAsync(new AddTeamMember { ProfessionalId = lead.Id, Name = lead.Name, Role = TeamRole.ConsultantSocialWorker });
        await consultant.Api.Teams[teamId].Members.PostAsync(new AddTeamMember { ProfessionalId = worker.Id, Name = worker.Name, Role = TeamRole.SocialWorker });
        await socialWork.Api.Teams[teamId].Families.PostAsync(new AllocateFamily { FamilyId = familyId, ResponsibleSocialWorkerId = worker.Id });
        var meetingId = (await consultant.Api.Teams[teamId].Meetings.PostAsync(new ScheduleMeeting { ScheduledFor = DateTimeOffset.UtcNow.AddDays(2) }))!
            .MeetingId!.Value;
        var agenda = await consultant.Api.Teams[teamId].Meetings[meetingId].Agenda.GetAsync();
        Assert.Equal(meetingId, agenda!.MeetingId);
        Assert.Contains(agenda.Families!, f => f.FamilyId == familyId);

        // A school message about Aino, signed by a registered school system, lands on the family.
        var admin = ClientFor(SchoolSystem.Admin(worker.Org));
        var senderId = $"wilma-{Guid.NewGuid():N}"[..20];
        var secret = SchoolSystem.NewSecret();
        await admin.Api.Integrations.SchoolWelfare.Senders.PostAsync(new RegisterSender { SenderId = senderId, Name = "Tampereen koulut (Wilma)", Secret = secret });
        var school = ClientFor(worker, new Signing(senderId, Encoding.UTF8.GetBytes(secret)));
        var messageId = $"msg-{Guid.NewGuid():N}";
        var accepted = await school.Api.Integrations.SchoolWelfare.Messages.PostAsync(new SchoolMessageEnvelope
        {
            MessageId = messageId, SchemaVersion = SchoolMessageEnvelope_schemaVersion.OneZero, Type = SchoolMessageType.WelfareConcern,
            SentAt = DateTimeOffset.UtcNow.AddMinutes(-1), Municipality = "Tampere", LegalBasis = SchoolLegalBasis.Lsl25,
            Pupil = new PupilInput { PersonId = aino, Name = "Aino", BirthDate = new Date(2016, 5, 1) },
            School = new SchoolInput { Id = "school-hervanta", Name = "Hervannan koulu" },
            Payload = new SchoolMessageEnvelope.SchoolMessageEnvelope_payload
            {
                WelfareConcernPayload = new WelfareConcernPayload { Description = "Aino has said she is afraid to go home.", ReporterRole = "kuraattori" },
            },
        });
        Assert.Equal("accepted", accepted!.Status);
        Coordination.IntegrationTests.Generated.Models.MessageStatusView? status = null;
        for (var i = 0; i < 200 && (status is null || status.Status == "received"); i++)
        {
            await Task.Delay(i == 0 ? 0 : 50);
            status = await socialWork.Api.Integrations.SchoolWelfare.Messages[messageId].GetAsync(c => c.QueryParameters.SenderId = senderId);
        }
        Assert.NotEqual("received", status!.Status);

        // History: every fact of the family, in order, the last one the picture's version.
        var history = await family.History.GetAsync(c => c.QueryParameters.Limit = 500);
        Assert.NotEmpty(history!);
        Assert.Equal(Enumerable.Range(1, history!.Count).Select(v => (long?)v), history.Select(h => h.Version));
        Assert.Equal("FamilyRegistered", history[0].Type);
        Assert.Contains(history, h => h.Type == "AssessmentConcluded");
        Assert.Contains(history, h => h.Type == "ConsentGiven");
        Assert.NotNull(psychiatric!.ContributionId);
    }

    /// <summary>
    /// What a school system does to every message: signs the exact bytes sent. The generated client serialises the body
    /// itself, so the signature is made from the request as it leaves.
    /// </summary>
    private sealed class Signing(string senderId, byte[] secret) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Sender", senderId);
            if (request.Content is not null)
            {
                var body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
                request.Headers.Add("X-Signature", SchoolWelfareSender.Sign(secret, body));
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
