using Coordination.Identity;

namespace Coordination.SystemicTeams;

/// <summary>A fact of a team's own stream: who did it and when.</summary>
public interface ITeamEvent
{
    Guid TeamId { get; }
    Actor By { get; }
    DateTimeOffset OccurredAt { get; }
}

/// <summary>Roles inside a systemic team (domain guide, "Systemic child protection teams").</summary>
public enum TeamRole
{
    /// <summary>Leads the team and holds the case for it.</summary>
    ConsultantSocialWorker,
    SocialWorker,
    /// <summary>Systemic family therapist.</summary>
    Clinician,
    Coordinator,
}

public sealed record TeamFormed(Guid TeamId, string Name, Actor By, DateTimeOffset OccurredAt) : ITeamEvent;

public sealed record TeamMemberJoined(Guid TeamId, string ProfessionalId, string Name, TeamRole Role, Actor By, DateTimeOffset OccurredAt)
    : ITeamEvent;

public sealed record TeamMembershipEnded(Guid TeamId, string ProfessionalId, Actor By, DateTimeOffset OccurredAt) : ITeamEvent;

public sealed record TeamMeetingScheduled(Guid TeamId, Guid MeetingId, DateTimeOffset ScheduledFor, Actor By, DateTimeOffset OccurredAt)
    : ITeamEvent;
