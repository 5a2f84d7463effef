using Coordination.Assessment;
using Coordination.Calendar;
using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Identity;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Coordination.SituationalPicture;

/// <summary>Builds the picture from the family's facts. Times come from the facts and their metadata, never a clock.</summary>
public sealed partial class FamilyPictureProjection : SingleStreamProjection<FamilyPicture, Guid>
{
    public FamilyPictureProjection() => Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;

    public static FamilyPicture Create(IEvent<FamilyRegistered> e)
    {
        var d = e.Data;
        var picture = new FamilyPicture
        {
            Id = d.FamilyId,
            Children = d.Children.Select(Member).ToList(),
            Guardians = d.Guardians.Select(Member).ToList(),
            Municipality = d.Municipality,
            Languages = d.Languages.ToList(),
            RegisteredAt = d.OccurredAt,
        };
        picture.Involve(d.By, "registered-family", d.OccurredAt);
        picture.Record(e, "Family registered");
        return picture;
    }

    public static void Apply(IEvent<SeparateHouseholdRegistered> e, FamilyPicture p) =>
        p.Record(e, "Registered as a separate household of people another family also holds");

    public static void Apply(IEvent<ChildAddedToFamily> e, FamilyPicture p)
    {
        p.Children.Add(Member(e.Data.Child));
        p.Record(e, "Child added to the family");
    }

    public static void Apply(IEvent<ExpectedChildRecorded> e, FamilyPicture p)
    {
        p.Children.Add(new PictureMember(e.Data.ChildId, null, e.Data.Name, null, null, e.Data.ExpectedBirthDate));
        p.Record(e, "Expected child added to the family (LsL 25 c §)");
    }

    public static void Apply(IEvent<ChildBorn> e, FamilyPicture p)
    {
        var i = p.Children.FindIndex(c => c.Id == e.Data.ChildId);
        p.Children[i] = new PictureMember(e.Data.ChildId, e.Data.PersonId, e.Data.Name, e.Data.BirthDate, null);
        p.Record(e, "Birth of the expected child recorded");
    }

    public static void Apply(IEvent<ConcernRaised> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Concerns.Add(new PictureConcern
        {
            ConcernId = d.ConcernId, ChildIds = [.. d.ChildIds], Kind = d.Kind, ReceivedAt = d.ReceivedAt, Source = d.Source,
            Description = d.Description, SuspectedOffence = d.SuspectedOffence, PoliceReported = d.PoliceReported,
            DecisionDue = d.DecisionDue, RecordedBy = d.By, Via = d.Via, RecordedAt = e.Recorded(),
        });
        // A notifier is no professional involved with the family (ATL 9 §), and who notified is the concern's content
        // (docs/sharing.md N): the timeline names only the kind of source.
        p.Record(e, $"Concern received ({Kebab.Name(d.Kind)}) from {Kebab.Name(d.Source.Agency)}", actorName: "notifier");
    }

    public static void Apply(IEvent<UrgencyAssessed> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Concern(d.ConcernId).Urgency = new UrgencyRecord(d.Urgent, d.Reasoning, d.OccurredAt, d.By);
        p.Concern(d.ConcernId).RecordedAt = e.Recorded(); // its reasoning is part of the concern's record from now on
        p.Involve(d.By, "assessed-urgency", d.OccurredAt);
        p.Record(e, d.Urgent ? "Urgency assessed: urgent" : "Urgency assessed: not urgent");
    }

    public static void Apply(IEvent<ConcernDecided> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Concern(d.ConcernId).Decision = new DecisionRecord(d.Decision, d.Reason, d.OccurredAt, d.ChildAndGuardianInformedAt, d.AssessmentId, d.By);
        p.Concern(d.ConcernId).RecordedAt = e.Recorded();
        p.Involve(d.By, "decided-on-concern", d.OccurredAt);
        p.Record(e, d.Decision == ConcernDecision.StartAssessment ? "Decided to assess the need for services" : "Decided no assessment is needed");
    }

    public static void Apply(IEvent<AssessmentStarted> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Assessments.Add(new PictureAssessment
        {
            AssessmentId = d.AssessmentId, StartedAt = d.OccurredAt,
            CompletionDue = DeadlineRules.CompletionDue(DeadlineRules.PendingSince(d, id => p.Concerns.Find(c => c.ConcernId == id)?.ReceivedAt)),
            Lead = d.By,
            ConcernIds = [.. d.ConcernIds], ChildIds = [.. d.ChildIds],
        });
        p.Involve(d.By, "assessing-social-worker", d.OccurredAt);
        p.Record(e, "Service-need assessment started");
    }

    public static void Apply(IEvent<ConcernJoinedAssessment> e, FamilyPicture p)
    {
        var a = p.Assessment(e.Data.AssessmentId);
        a.ConcernIds.Add(e.Data.ConcernId);
        a.ChildIds.AddRange(e.Data.ChildIds.Where(c => !a.ChildIds.Contains(c)));
        p.Record(e, "Concern joined the running assessment");
    }

    public static void Apply(IEvent<AgencyInvited> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Assessment(d.AssessmentId).Invitations.Add(new PictureInvitation
        {
            InvitationId = d.InvitationId, Agency = d.Agency, ProfessionalId = d.ProfessionalId, Question = d.Question,
            RespondBy = d.RespondBy, InvitedAt = d.OccurredAt, RecordedAt = e.Recorded(),
        });
        p.Record(e, $"{Kebab.Name(d.Agency)} invited to the assessment");
    }

    public static void Apply(IEvent<ContributionRecorded> e, FamilyPicture p)
    {
        var d = e.Data;
        var a = p.Assessment(d.AssessmentId);
        a.Contributions.Add(new PictureContribution
        {
            ContributionId = d.ContributionId, InvitationId = d.InvitationId, Agency = d.Agency, Author = d.By,
            Category = d.Category, ChildIds = [.. d.ChildIds],
            LegalBasis = d.LegalBasis, Supersedes = d.Supersedes, OccurredAt = d.OccurredAt, RecordedAt = e.Recorded(),
        });
        if (d.Supersedes is { } earlier && a.Contributions.Find(c => c.ContributionId == earlier) is { } superseded)
        {
            superseded.SupersededBy = d.ContributionId;
        }
        if (d.InvitationId is { } invitation && a.Invitations.Find(i => i.InvitationId == invitation) is { } answered)
        {
            answered.AnsweredBy.Add(d.ContributionId);
        }
        p.Involve(d.By, "contributor", d.OccurredAt);
        p.Record(e, d.Supersedes is null ? $"Contribution from {Kebab.Name(d.Agency)}" : $"Correction from {Kebab.Name(d.Agency)}");
    }

    public static void Apply(IEvent<ChildHearingRecorded> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Assessment(d.AssessmentId).Hearings.Add(new PictureHearing(d.HearingId, d.ChildId, d.OccurredAt, d.Method, d.Views, d.NotHeardReason, d.By, e.Recorded()));
        p.Record(e, d.Views is not null ? "Child heard" : "Child not heard (reason recorded)");
    }

    public static void Apply(IEvent<AssessmentConcluded> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Assessment(d.AssessmentId).Conclusion = new ConclusionRecord(d.Outcome, d.Summary, d.ClientOpinion, d.NamedWorkerNeeded,
            d.ResponsibleSocialWorkerId, d.OccurredAt, d.By, e.Recorded());
        p.Record(e, $"Assessment concluded: {Kebab.Name(d.Outcome)}");
    }

    public static void Apply(IEvent<Consent.ConsentGiven> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Consents.Add(new PictureConsent
        {
            ConsentId = d.ConsentId, GivenBy = d.GivenBy, Recipients = [.. d.Recipients], DataCategories = [.. d.DataCategories],
            Purpose = d.Purpose, ValidUntil = d.ValidUntil, GivenAt = d.OccurredAt, RecordedBy = d.By,
        });
        p.Involve(d.By, "recorded-consent", d.OccurredAt);
        p.Record(e, $"Consent given to {string.Join(", ", d.Recipients.Select(Kebab.Name))}");
    }

    public static void Apply(IEvent<Consent.ConsentWithdrawn> e, FamilyPicture p)
    {
        var consent = p.Consents.First(c => c.ConsentId == e.Data.ConsentId);
        consent.WithdrawnAt = e.Data.OccurredAt;
        consent.WithdrawalReason = e.Data.Reason;
        p.Record(e, "Consent withdrawn");
    }

    public static void Apply(IEvent<Consent.PsychiatricEntryConfirmed> e, FamilyPicture p)
    {
        var contribution = p.Assessment(e.Data.AssessmentId).Contributions.First(c => c.ContributionId == e.Data.ContributionId);
        if (!contribution.ConfirmedBy.Contains(e.Data.By.Id))
        {
            contribution.ConfirmedBy.Add(e.Data.By.Id);
        }
        p.Record(e, $"Psychiatric entry confirmed by {Kebab.Name(e.Data.By.Agency)}");
    }

    public static void Apply(IEvent<DeadlineMissed> e, FamilyPicture p)
    {
        p.Record(e, $"Deadline missed: {Kebab.Name(e.Data.Kind)} due {e.Data.DueDate:yyyy-MM-dd}");
    }

    public static void Apply(IEvent<SystemicTeams.FamilyAllocatedToTeam> e, FamilyPicture p)
    {
        var d = e.Data;
        p.Team = new TeamAllocation(d.TeamId, d.TeamName, d.ResponsibleSocialWorkerId, d.ResponsibleSocialWorkerName, d.OccurredAt);
        p.Involve(new Actor(d.ResponsibleSocialWorkerId, d.ResponsibleSocialWorkerName, Agency.SocialWork, d.By.Organisation),
            "responsible-social-worker", d.OccurredAt);
        p.Record(e, $"Allocated to the systemic team {d.TeamName}");
    }

    public static void Apply(IEvent<SystemicTeams.SystemicDiscussionRecorded> e, FamilyPicture p) =>
        p.Record(e, $"Systemic discussion with {e.Data.ParticipantIds.Count} participants");

    public static void Apply(IEvent<SystemicTeams.HypothesisRecorded> e, FamilyPicture p) =>
        p.Record(e, e.Data.Revision == 1 ? "Hypothesis proposed" : $"Hypothesis revised ({Kebab.Name(e.Data.Status)})");

    public static void Apply(IEvent<SystemicTeams.ActionAgreed> e, FamilyPicture p) =>
        p.Record(e, $"Action agreed, due {e.Data.DueBy:yyyy-MM-dd}");

    public static void Apply(IEvent<SystemicTeams.ActionCompleted> e, FamilyPicture p) => p.Record(e, "Action completed");

    public static void Apply(IEvent<SchoolWelfare.ExpertGroupMeetingReported> e, FamilyPicture p)
    {
        var d = e.Data;
        var report = SchoolReport(e, d.ReportId, d.ChildId, d.Message);
        (report.HeldOn, report.ParticipantRoles, report.Summary, report.NextMeetingOn) = (d.HeldOn, [.. d.ParticipantRoles], d.Summary, d.NextMeetingOn);
        p.SchoolReports.Add(report);
        p.Record(e, $"Student-welfare expert group met ({d.Message.School.Name})");
    }

    public static void Apply(IEvent<SchoolWelfare.AbsenceAlertReported> e, FamilyPicture p)
    {
        var d = e.Data;
        var report = SchoolReport(e, d.ReportId, d.ChildId, d.Message);
        (report.From, report.To, report.AbsentHours, report.UnexplainedHours, report.Note) = (d.From, d.To, d.AbsentHours, d.UnexplainedHours, d.Note);
        p.SchoolReports.Add(report);
        p.Record(e, $"Absence alert from {d.Message.School.Name}");
    }

    public static void Apply(IEvent<SchoolWelfare.WelfareStatusReported> e, FamilyPicture p)
    {
        var d = e.Data;
        var report = SchoolReport(e, d.ReportId, d.ChildId, d.Message);
        (report.Status, report.SupportLevel, report.Summary) = (d.Status, d.SupportLevel, d.Summary);
        p.SchoolReports.Add(report);
        p.Record(e, $"Student-welfare status from {d.Message.School.Name}: {Kebab.Name(d.Status)}");
    }

    /// <summary>What every school report has: which report, about whom, which message, and its two times.</summary>
    private static PictureSchoolReport SchoolReport(IEvent e, Guid reportId, Guid childId, SchoolWelfare.ReceivedMessage message) => new()
    {
        ReportId = reportId, Type = message.Type, ChildId = childId, Message = message, OccurredAt = ((IFamilyEvent)e.Data).OccurredAt,
        RecordedAt = e.Recorded(),
    };

    private static PictureMember Member(FamilyMember m) => new(m.MemberId, m.PersonId, m.Name, m.BirthDate, m.Relation);
}

internal static class FamilyPictureMutations
{
    public static void Involve(this FamilyPicture picture, Actor actor, string role, DateTimeOffset since)
    {
        if (!picture.Professionals.Any(p => p.ProfessionalId == actor.Id && p.Role == role))
        {
            picture.Professionals.Add(new Involvement(actor.Id, actor.Name, actor.Agency, role, since));
        }
    }

    /// <summary>Version, recording time and the timeline line come from the event and its metadata, never a clock.</summary>
    /// <param name="actorName">Instead of the actor's name, where who acted is not the frame's to tell.</param>
    public static void Record(this FamilyPicture picture, IEvent e, string what, string? actorName = null)
    {
        var fact = (IFamilyEvent)e.Data;
        picture.Version = e.Version;
        picture.LastRecordedAt = e.Recorded();
        picture.Relationships.Record(fact);
        DeadlineLedger.Record(fact, key => picture.Deadlines.Find(d => d.Key == key), picture.Deadlines.Add, picture.Deadlines,
            id => picture.Concerns.Find(c => c.ConcernId == id)?.ReceivedAt, picture.Relationships.ResponsibleSocialWorkerId);
        picture.Timeline.Add(new TimelineEntry(fact.OccurredAt, e.Recorded(), what, actorName ?? fact.By.Name, fact.By.Agency));
    }

    /// <summary>
    /// When the event was recorded, at the precision the database keeps (microseconds). The inline projection sees the
    /// event before it is stored, with .NET's 100 ns ticks; a rebuild sees it after. Read models must not depend on
    /// the difference, or a rebuild would not reproduce them exactly.
    /// </summary>
    public static DateTimeOffset Recorded(this IEvent e) => new(e.Timestamp.Ticks - (e.Timestamp.Ticks % 10), e.Timestamp.Offset);

    public static PictureConcern Concern(this FamilyPicture p, Guid id) => p.Concerns.First(c => c.ConcernId == id);

    public static PictureAssessment Assessment(this FamilyPicture p, Guid id) => p.Assessments.First(a => a.AssessmentId == id);
}
