using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Writing;

namespace Coordination.Assessment;

/// <summary>Checks every assessment command makes before its own.</summary>
public static class AssessmentRules
{
    /// <summary>The assessment, or the refusal: unknown (404) or already concluded (409).</summary>
    public static (AssessmentState?, Decision?) Open(Family family, Guid assessmentId, string doing)
    {
        if (!family.Assessments.TryGetValue(assessmentId, out var assessment))
        {
            return (null, Refusals.NotFound("assessment"));
        }
        return assessment.Concluded
            ? (null, Decision.Refuse(Problems.Conflict("assessment-concluded", $"The assessment is concluded; nothing can be {doing} any more.")))
            : (assessment, null);
    }

    /// <summary>
    /// Social work leads the assessment; another agency takes part only when invited (SHL 41 §). Both record for their own
    /// agency only.
    /// </summary>
    public static Decision? TakesPart(AssessmentState assessment, Professional caller) =>
        Refusals.CaseworkerOnly(caller, "records for an assessment")
        ?? (caller.Agency == Agency.SocialWork || assessment.Invitations.ContainsValue(caller.Agency)
            ? null
            : Decision.Refuse(Problems.Forbidden("Only social work and agencies invited to this assessment contribute to it.")));

    /// <summary>LsL 20 §: the child is heard by a social worker, or by an invited agency for the assessment.</summary>
    public static Decision? Hears(AssessmentState assessment, Professional caller) =>
        TakesPart(assessment, caller)
        ?? (caller.Agency == Agency.SocialWork ? Refusals.SocialWorkOnly(caller, "of social work hears a child") : null);

    public static Decision? ChildrenOf(AssessmentState assessment, IEnumerable<Guid> childIds, string field) =>
        childIds.All(assessment.ChildIds.Contains)
            ? null
            : Decision.Refuse(Problems.Invalid(field, "Every child must be a child of this assessment."));
}
