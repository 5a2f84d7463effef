using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Identity;
using Coordination.SystemicTeams;

namespace Coordination.Access;

/// <summary>
/// The facts that give professionals a client relationship with one family (ATL 9 §). Kept by the write model and
/// by the picture from the same events; judged only by <see cref="FamilyAccess"/>.
/// </summary>
public sealed class Relationships
{
    /// <summary>Named people: who registered the family, raised a concern, acted on it, was invited by name.</summary>
    public HashSet<string> ProfessionalIds { get; set; } = [];

    /// <summary>Agencies invited to an assessment without a named professional: any of their professionals (SHL 41 §).</summary>
    public HashSet<Agency> InvitedAgencies { get; set; } = [];

    /// <summary>LsL 13 b §: the named responsible social worker; replaced when another is named.</summary>
    public string? ResponsibleSocialWorkerId { get; set; }

    /// <summary>The systemic team the family is allocated to: its current members relate to the family through it.</summary>
    public Guid? TeamId { get; set; }

    /// <summary>Concerns not yet decided: the organisation's social work intake has received them (LsL 25-26 §).</summary>
    public HashSet<Guid> UndecidedConcerns { get; set; } = [];

    /// <summary>
    /// Who notified each undecided concern, where the notification was their own agency's (a social worker notifying as
    /// one): the intake relates the organisation's other social workers to the family, never the notifier (ATL 9 §).
    /// </summary>
    public Dictionary<Guid, string> Notifiers { get; set; } = [];

    /// <summary>A concern waits for its decision: stored with the rest, so a list can find such families by index.</summary>
    public bool AwaitingDecision => UndecidedConcerns.Count > 0;

    /// <summary>The intake has a concern of this family waiting that <paramref name="professionalId"/> did not notify.</summary>
    public bool AwaitsDecisionOfOthers(string professionalId) =>
        UndecidedConcerns.Any(c => !(Notifiers.TryGetValue(c, out var notifier) && notifier == professionalId));

    /// <summary>
    /// The one place that says which facts create or end relationships. The write model and the picture both call it
    /// for every fact, so what a write allows and what a read allows cannot drift apart.
    /// </summary>
    public void Record(IFamilyEvent fact)
    {
        switch (fact)
        {
            case DeadlineMissed:
                break; // recorded by the service itself, which is no professional
            case SchoolWelfare.ExpertGroupMeetingReported or SchoolWelfare.AbsenceAlertReported or SchoolWelfare.WelfareStatusReported:
                break; // sent by a school system, which is no professional
            case ConcernRaised raised:
                // A notifier is no party to the client relationship (ATL 9 §; LsL 25 §): raising a concern relates nobody.
                // The intake (social work) has it until it is decided; a social worker who recorded someone else's
                // notification (a guardian's call, the police's) is the intake, one who notified as social work is not.
                UndecidedConcerns.Add(raised.ConcernId);
                if (raised.Via is null && NotifiesAsItself(raised.By.Agency, raised.Source.Agency))
                {
                    Notifiers[raised.ConcernId] = raised.By.Id;
                }
                break;
            case ConcernDecided decided:
                ProfessionalIds.Add(decided.By.Id);
                UndecidedConcerns.Remove(decided.ConcernId);
                Notifiers.Remove(decided.ConcernId);
                break;
            case AgencyInvited { ProfessionalId: null } invited:
                ProfessionalIds.Add(invited.By.Id);
                InvitedAgencies.Add(invited.Agency);
                break;
            case AgencyInvited invited:
                ProfessionalIds.Add(invited.By.Id);
                ProfessionalIds.Add(invited.ProfessionalId);
                break;
            case AssessmentConcluded { ResponsibleSocialWorkerId: { } responsible } concluded:
                ProfessionalIds.Add(concluded.By.Id);
                ResponsibleSocialWorkerId = responsible;
                break;
            case FamilyAllocatedToTeam allocated:
                // Allocation relates the team, not the person who allocated: a coordinator who leaves the team leaves the family.
                TeamId = allocated.TeamId;
                ResponsibleSocialWorkerId = allocated.ResponsibleSocialWorkerId;
                break;
            case SystemicDiscussionRecorded or HypothesisRecorded or ActionAgreed or ActionCompleted:
                break; // team work: the relationship is the membership, which ends with it
            default:
                ProfessionalIds.Add(fact.By.Id); // whoever acted on the family works with it
                break;
        }
    }

    private static bool NotifiesAsItself(Agency recorder, SourceAgency source) => (recorder, source) switch
    {
        (Agency.SocialWork, SourceAgency.SocialWork) or (Agency.ChildPsychiatry, SourceAgency.ChildPsychiatry)
            or (Agency.SchoolWelfare, SourceAgency.SchoolWelfare) or (Agency.FamilyWork, SourceAgency.FamilyWork) => true,
        _ => false,
    };
}
