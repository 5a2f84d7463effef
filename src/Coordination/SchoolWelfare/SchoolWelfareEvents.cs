using System.Text.Json.Serialization;
using Coordination.Families;
using Coordination.Identity;

namespace Coordination.SchoolWelfare;

/// <summary>The message types of the school student-welfare contract, version 1.0.</summary>
public enum SchoolMessageType
{
    WelfareConcern,
    ExpertGroupMeeting,
    AbsenceAlert,
    WelfareStatus,
}

/// <summary>The provision a school discloses student-welfare data under (ATL 39 §: the disclosure names its basis).</summary>
public enum SchoolLegalBasis
{
    /// <summary>LsL 25 §: the duty to notify child protection.</summary>
    [JsonStringEnumMemberName("lsl-25")]
    Lsl25,
    /// <summary>ATL 64 §: what the assessment of the need for services needs.</summary>
    [JsonStringEnumMemberName("atl-64")]
    Atl64,
    /// <summary>ATL 56 §: what is essential in the child's interest, for everyone working with the child.</summary>
    [JsonStringEnumMemberName("atl-56")]
    Atl56,
    /// <summary>The guardians (or the pupil) consented to this disclosure at school.</summary>
    Consent,
}

/// <summary>Three-tier support in basic education (POL 16-17 §).</summary>
public enum SupportLevel
{
    General,
    Intensified,
    Special,
}

public enum WelfareStatus
{
    SupportStarted,
    SupportContinues,
    SupportEnded,
    PupilChangedSchool,
}

public sealed record SchoolRef(string Id, string Name);

/// <summary>Where a fact came from: which sending system, which of its messages, under which basis, from which school.</summary>
/// <param name="ReceivedAt">When the service accepted the message: the statutory clock of a concern runs from here.</param>
public sealed record ReceivedMessage(string SenderId, string MessageId, SchoolMessageType Type, SchoolLegalBasis LegalBasis,
    SchoolRef School, DateTimeOffset SentAt, DateTimeOffset ReceivedAt);

/// <summary>The pupil's multidisciplinary student-welfare expert group met about them (OHL 14 §) and the school reported it.</summary>
public sealed record ExpertGroupMeetingReported(
    Guid ReportId,
    Guid ChildId,
    DateOnly HeldOn,
    IReadOnlyList<string> ParticipantRoles,
    string Summary,
    DateOnly? NextMeetingOn,
    ReceivedMessage Message,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>The school's absence monitoring reported a pupil's absences over a period.</summary>
public sealed record AbsenceAlertReported(
    Guid ReportId,
    Guid ChildId,
    DateOnly From,
    DateOnly To,
    int AbsentHours,
    int UnexplainedHours,
    string? Note,
    ReceivedMessage Message,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>Student welfare reported where a pupil's support stands.</summary>
public sealed record WelfareStatusReported(
    Guid ReportId,
    Guid ChildId,
    WelfareStatus Status,
    SupportLevel? SupportLevel,
    string? Summary,
    ReceivedMessage Message,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;
