using Coordination.Access;
using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Identity;
using JasperFx.Events;
using Marten;

namespace Coordination.SituationalPicture;

/// <summary>
/// The whole situational picture of one family as the record holds it, kept current in the transaction of every
/// write (inline projection). What a particular viewer is shown is cut from it at read time.
/// </summary>
public sealed class FamilyPicture
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public List<PictureMember> Children { get; set; } = [];
    public List<PictureMember> Guardians { get; set; } = [];
    public string? Municipality { get; set; }
    public List<string> Languages { get; set; } = [];
    public List<Involvement> Professionals { get; set; } = [];
    public Relationships Relationships { get; set; } = new();
    public TeamAllocation? Team { get; set; }
    public List<PictureConcern> Concerns { get; set; } = [];
    public List<PictureAssessment> Assessments { get; set; } = [];
    public List<Deadline> Deadlines { get; set; } = [];
    public List<PictureConsent> Consents { get; set; } = [];
    public List<TimelineEntry> Timeline { get; set; } = [];
    /// <summary>What school student-welfare systems reported about the children (not their concerns, which are concerns).</summary>
    public List<PictureSchoolReport> SchoolReports { get; set; } = [];
    public DateTimeOffset RegisteredAt { get; set; }
    public DateTimeOffset LastRecordedAt { get; set; }

    public IReadOnlyList<PictureConsent> ConsentsInForceOn(DateTimeOffset moment) => [.. Consents.Where(c => c.InForceOn(moment))];

    /// <summary>The consents in force at a moment as the sharing gate judges them: whose data each covers.</summary>
    public IReadOnlyList<ConsentInForce> SharingConsents(DateTimeOffset moment) =>
        [.. ConsentsInForceOn(moment).Select(c => new ConsentInForce(c.ConsentId, c.GivenBy, Guardians.Exists(g => g.Id == c.GivenBy),
            c.Recipients, c.DataCategories, c.Until()))];

    public IReadOnlyList<Guid> AllChildIds() => [.. Children.Select(c => c.Id)];
}

/// <summary>The systemic team the family is allocated to, and its named responsible social worker (LsL 13 b §).</summary>
public sealed record TeamAllocation(Guid TeamId, string TeamName, string ResponsibleSocialWorkerId, string ResponsibleSocialWorkerName,
    DateTimeOffset AllocatedAt);

/// <param name="BirthDate">Null for a child not yet born, who has <paramref name="ExpectedBirthDate"/> instead (LsL 25 c §).</param>
/// <param name="Name">Null only for an expected child not yet named.</param>
public sealed record PictureMember(Guid Id, string? PersonId, string? Name, DateOnly? BirthDate, string? Relation,
    DateOnly? ExpectedBirthDate = null);

/// <summary>A professional involved with the family and how they came to be (contact role).</summary>
public sealed record Involvement(string ProfessionalId, string Name, Agency Agency, string Role, DateTimeOffset Since);

public sealed class PictureConcern
{
    public Guid ConcernId { get; set; }
    public List<Guid> ChildIds { get; set; } = [];
    public ConcernKind Kind { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public ConcernSource Source { get; set; } = new(SourceAgency.OtherAuthority, null, null, false);
    public string Description { get; set; } = "";
    public SuspectedOffence SuspectedOffence { get; set; }
    public bool? PoliceReported { get; set; }
    public DateOnly DecisionDue { get; set; }
    public Actor RecordedBy { get; set; } = null!;
    public UrgencyRecord? Urgency { get; set; }
    public DecisionRecord? Decision { get; set; }
    /// <summary>The school message it came in, if it came from a school system.</summary>
    public SchoolWelfare.ReceivedMessage? Via { get; set; }
    /// <summary>When its record last grew (received, urgency assessed, decided): what a consent could have carried.</summary>
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// One report from a school student-welfare system: what kind, about which child, from which school, under which basis;
/// and its content, which a viewer sees by <see cref="Access.Sharing.DecideSchoolReport"/>. Fields belong to one type each.
/// </summary>
public sealed class PictureSchoolReport
{
    public Guid ReportId { get; set; }
    public SchoolWelfare.SchoolMessageType Type { get; set; }
    public Guid ChildId { get; set; }
    public SchoolWelfare.ReceivedMessage Message { get; set; } = null!;
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public DateOnly? HeldOn { get; set; }
    public List<string>? ParticipantRoles { get; set; }
    public DateOnly? NextMeetingOn { get; set; }
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public int? AbsentHours { get; set; }
    public int? UnexplainedHours { get; set; }
    public SchoolWelfare.WelfareStatus? Status { get; set; }
    public SchoolWelfare.SupportLevel? SupportLevel { get; set; }
    public string? Summary { get; set; }
    public string? Note { get; set; }
}

public sealed record UrgencyRecord(bool Urgent, string Reasoning, DateTimeOffset AssessedAt, Actor By);

public sealed record DecisionRecord(ConcernDecision Decision, string? Reason, DateTimeOffset DecidedAt,
    DateTimeOffset? ChildAndGuardianInformedAt, Guid? AssessmentId, Actor By);

public sealed class PictureAssessment
{
    public Guid AssessmentId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateOnly CompletionDue { get; set; }
    public Actor Lead { get; set; } = null!;
    public List<Guid> ConcernIds { get; set; } = [];
    public List<Guid> ChildIds { get; set; } = [];
    public List<PictureInvitation> Invitations { get; set; } = [];
    public List<PictureContribution> Contributions { get; set; } = [];
    public List<PictureHearing> Hearings { get; set; } = [];
    public ConclusionRecord? Conclusion { get; set; }
}

public sealed class PictureInvitation
{
    public Guid InvitationId { get; set; }
    public Agency Agency { get; set; }
    public string? ProfessionalId { get; set; }
    public string Question { get; set; } = "";
    public DateOnly? RespondBy { get; set; }
    public DateTimeOffset InvitedAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public List<Guid> AnsweredBy { get; set; } = [];
}

/// <summary>
/// What the picture keeps of a contribution: who, what kind, on what basis, what superseded it, who confirmed it. The
/// text lives in <see cref="ContributionContent"/>, written once, so that a write does not rewrite every case note.
/// </summary>
public sealed class PictureContribution
{
    public Guid ContributionId { get; set; }
    public Guid? InvitationId { get; set; }
    public Agency Agency { get; set; }
    public Actor Author { get; set; } = null!;
    public ContributionCategory Category { get; set; }
    public LegalBasis LegalBasis { get; set; }
    /// <summary>Whom it is about: the children whose consent (or a guardian's for them) it is shared under (docs/sharing.md §2).</summary>
    public List<Guid> ChildIds { get; set; } = [];
    public Guid? Supersedes { get; set; }
    public Guid? SupersededBy { get; set; }
    /// <summary>Professionals outside child psychiatry who confirmed this psychiatric entry (ATL 26 § 2).</summary>
    public List<string> ConfirmedBy { get; set; } = [];
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>The content of one contribution: immutable once recorded (a correction is another contribution).</summary>
public sealed class ContributionContent
{
    public Guid Id { get; set; }
    public Guid FamilyId { get; set; }
    public List<Guid> ChildIds { get; set; } = [];
    public string Summary { get; set; } = "";
    public string? Observations { get; set; }
}

public sealed partial class ContributionContentProjection : Marten.Events.Projections.EventProjection
{
    public ContributionContentProjection()
    {
        Name = "ContributionContents";
        Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;
    }

    public static ContributionContent Create(IEvent<ContributionRecorded> e) => new()
    {
        Id = e.Data.ContributionId, FamilyId = e.StreamId, ChildIds = [.. e.Data.ChildIds], Summary = e.Data.Summary,
        Observations = e.Data.Observations,
    };
}

public sealed record PictureHearing(Guid HearingId, Guid ChildId, DateTimeOffset HeardAt, HearingMethod? Method, string? Views,
    string? NotHeardReason, Actor By, DateTimeOffset? RecordedAt = null);

public sealed record ConclusionRecord(AssessmentOutcome Outcome, string Summary, string? ClientOpinion, bool NamedWorkerNeeded,
    string? ResponsibleSocialWorkerId, DateTimeOffset ConcludedAt, Actor By, DateTimeOffset? RecordedAt = null);

public sealed class PictureConsent
{
    public Guid ConsentId { get; set; }
    public Guid GivenBy { get; set; }
    public List<Agency> Recipients { get; set; } = [];
    public List<Consent.ConsentCategory> DataCategories { get; set; } = [];
    public string Purpose { get; set; } = "";
    public DateOnly? ValidUntil { get; set; }
    public DateTimeOffset GivenAt { get; set; }
    public Actor RecordedBy { get; set; } = null!;
    public DateTimeOffset? WithdrawnAt { get; set; }
    public string? WithdrawalReason { get; set; }

    /// <summary>In force at a moment: given by then, not withdrawn by then and not expired (expired counts as withdrawn).</summary>
    public bool InForceOn(DateTimeOffset moment) =>
        GivenAt <= moment && (WithdrawnAt is null || WithdrawnAt > moment)
        && (ValidUntil is null || ValidUntil >= Calendar.FinnishCalendar.HelsinkiDate(moment));

    /// <summary>When it ceases: withdrawn, or the first moment after its last day (Helsinki); null while open-ended.</summary>
    public DateTimeOffset? Until() => ConsentTimes.Ceasing(WithdrawnAt, ValidUntil);

}

/// <summary>One line of the family's short timeline: what happened, when, who. No case-note text.</summary>
public sealed record TimelineEntry(DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string What, string ActorName, Agency ActorAgency);

public static class ConsentTimes
{
    /// <summary>When a consent ceases: its withdrawal, or the first moment after its last valid day in Helsinki (or never).</summary>
    public static DateTimeOffset? Ceasing(DateTimeOffset? withdrawnAt, DateOnly? validUntil)
    {
        // "Until further notice" may be written 9999-12-31, whose next day does not exist: it never expires.
        var expires = validUntil is { } day && day < DateOnly.MaxValue ? Calendar.FinnishCalendar.StartOfHelsinkiDay(day.AddDays(1)) : (DateTimeOffset?)null;
        return withdrawnAt is { } w && (expires is null || w < expires) ? w : expires;
    }
}

public static class SituationalPictureStorage
{
    public static void ConfigureSituationalPicture(this StoreOptions opts)
    {
        opts.Projections.Add<FamilyPictureProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        opts.Projections.Add<ContributionContentProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        opts.Schema.For<ContributionContent>().Index(c => c.FamilyId);
        // Derived data for replays (SnapshotReplay): a replay reads a family's snapshots by family id, then one state by id.
        opts.Schema.For<PictureSnapshot>().Index(s => s.FamilyId);
        opts.Schema.For<PictureSnapshotState>().Index(s => s.FamilyId);
    }
}
