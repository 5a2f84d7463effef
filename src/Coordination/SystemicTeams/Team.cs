using Coordination.Identity;

namespace Coordination.SystemicTeams;

/// <summary>A systemic team as its stream holds it: write model and read model both (inline snapshot).</summary>
public sealed class Team
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public string Name { get; set; } = "";
    public Actor FormedBy { get; set; } = null!;
    public DateTimeOffset FormedAt { get; set; }
    public List<TeamMember> Members { get; set; } = [];
    public List<TeamMeeting> Meetings { get; set; } = [];

    public static Team Create(TeamFormed e) => new() { Id = e.TeamId, Name = e.Name, FormedBy = e.By, FormedAt = e.OccurredAt };

    public void Apply(TeamMemberJoined e) =>
        Members.Add(new TeamMember { ProfessionalId = e.ProfessionalId, Name = e.Name, Role = e.Role, Since = e.OccurredAt });

    public void Apply(TeamMembershipEnded e)
    {
        if (Current(e.ProfessionalId) is { } member)
        {
            member.Until = e.OccurredAt;
        }
    }

    public void Apply(TeamMeetingScheduled e) => Meetings.Add(new TeamMeeting(e.MeetingId, e.ScheduledFor));

    public TeamMember? Current(string professionalId) => Members.Find(m => m.ProfessionalId == professionalId && m.Until is null);

    public IReadOnlySet<string> CurrentMemberIds() => Members.Where(m => m.Until is null).Select(m => m.ProfessionalId).ToHashSet();

    /// <summary>
    /// Who may change the team (members, allocations, meetings): its consultant social worker and coordinator, whoever
    /// formed it, and the organisation's social-work admin (teams are child protection's).
    /// </summary>
    public bool IsManagedBy(Professional caller) =>
        caller.IsSocialWorkAdmin
        || FormedBy.Id == caller.Id
        || Current(caller.Id)?.Role is TeamRole.ConsultantSocialWorker or TeamRole.Coordinator;

    /// <summary>The meeting before <paramref name="meeting"/>: what counts as new for its agenda is what came after it.</summary>
    public TeamMeeting? MeetingBefore(TeamMeeting meeting) =>
        Meetings.Where(m => m.ScheduledFor < meeting.ScheduledFor).MaxBy(m => m.ScheduledFor);
}

public sealed class TeamMember
{
    public string ProfessionalId { get; set; } = "";
    public string Name { get; set; } = "";
    public TeamRole Role { get; set; }
    public DateTimeOffset Since { get; set; }
    public DateTimeOffset? Until { get; set; }
}

public sealed record TeamMeeting(Guid MeetingId, DateTimeOffset ScheduledFor);
