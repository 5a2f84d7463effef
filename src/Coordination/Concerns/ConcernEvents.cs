using Coordination.Families;
using Coordination.Identity;

namespace Coordination.Concerns;

/// <summary>How a case starts (LsL 25 §, 25 a §, 25 c §; SHL 35 §).</summary>
public enum ConcernKind
{
    ChildWelfareNotification,
    JointContact,
    Application,
    PreBirthNotification,
}

public enum SuspectedOffence
{
    None,
    SexualOffence,
    Violence,
}

/// <summary>Where a concern came from. Everyone but private persons, guardians and the child has a duty to notify (LsL 25 §).</summary>
public enum SourceAgency
{
    SocialWork,
    ChildPsychiatry,
    SchoolWelfare,
    FamilyWork,
    School,
    EarlyChildhoodEducation,
    HealthCare,
    Police,
    EmergencyServices,
    Prosecution,
    OtherAuthority,
    PrivatePerson,
    Guardian,
    /// <summary>A child's legal representative other than a guardian (an application, LsL 21-22 §).</summary>
    LegalRepresentative,
    Child,
}

public sealed record ConcernSource(SourceAgency Agency, string? Organisation, string? ReporterRole, bool Anonymous)
{
    /// <summary>LsL 25 §: duty-holders cannot notify anonymously.</summary>
    public static bool IsDutyHolder(SourceAgency agency) =>
        agency is not (SourceAgency.PrivatePerson or SourceAgency.Guardian or SourceAgency.LegalRepresentative or SourceAgency.Child);

    /// <summary>An application comes from a guardian, another legal representative, or the child (aged 12 or more).</summary>
    public static bool MayApply(SourceAgency agency) =>
        agency is SourceAgency.Guardian or SourceAgency.LegalRepresentative or SourceAgency.Child;

    /// <summary>A child may apply from the age of 12 (LsL 21 §), on the Helsinki date the application was received.</summary>
    public const int ChildApplicantAge = 12;

    public static bool OldEnoughToApply(DateOnly birthDate, DateTimeOffset receivedAt) =>
        birthDate.AddYears(ChildApplicantAge) <= Calendar.FinnishCalendar.HelsinkiDate(receivedAt);
}

/// <summary>A concern about children of the family reached child protection.</summary>
/// <param name="Via">When the concern came as a school system's message: which, from whom, under which basis.</param>
/// <param name="UrgencyDue">LsL 26 §: urgency is assessed immediately, so on the day of receipt.</param>
/// <param name="DecisionDue">LsL 26 §: the 7th working day after the day of receipt.</param>
public sealed record ConcernRaised(
    Guid ConcernId,
    IReadOnlyList<Guid> ChildIds,
    ConcernKind Kind,
    DateTimeOffset ReceivedAt,
    ConcernSource Source,
    string Description,
    SuspectedOffence SuspectedOffence,
    bool? PoliceReported,
    DateOnly UrgencyDue,
    DateOnly DecisionDue,
    Actor By,
    DateTimeOffset OccurredAt,
    SchoolWelfare.ReceivedMessage? Via = null) : IFamilyEvent;

/// <summary>A social worker assessed how urgent the children's situation is (LsL 26 §).</summary>
public sealed record UrgencyAssessed(Guid ConcernId, bool Urgent, string Reasoning, Actor By, DateTimeOffset OccurredAt) : IFamilyEvent;

public enum ConcernDecision
{
    StartAssessment,
    NoAssessmentNeeded,
}

/// <summary>A social worker decided whether to assess the need for services (LsL 26 §).</summary>
/// <param name="AssessmentId">The assessment started or joined, for <see cref="ConcernDecision.StartAssessment"/>.</param>
public sealed record ConcernDecided(
    Guid ConcernId,
    ConcernDecision Decision,
    string? Reason,
    DateTimeOffset? ChildAndGuardianInformedAt,
    Guid? AssessmentId,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;
