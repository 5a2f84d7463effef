using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Marten;

namespace Coordination.Audit;

/// <summary>Who may replay and verify one family's record: auditors of its organisation and its responsible social worker.</summary>
public static class FamilyAudit
{
    public static async Task<(FamilyPicture? Picture, IResult? Refused)> AuthoriseAsync(IQuerySession session, Professional caller,
        Guid familyId, CancellationToken ct)
    {
        var picture = await session.LoadAsync<FamilyPicture>(familyId, ct);
        if (!MayAudit(caller, picture?.Relationships))
        {
            // Nobody else learns that the family exists (ATL 9 §).
            return (null, Problems.Result(Problems.NotFound()));
        }
        return (picture, null);
    }

    /// <summary>
    /// The same rule, for a caller that needs no picture (a replay, an integrity check): only the family's relationships are
    /// read (its <see cref="Access.FamilyReach"/>), not its picture (hundreds of kilobytes for a family of years).
    /// </summary>
    public static async Task<IResult?> RefusedAsync(IQuerySession session, Professional caller, Guid familyId, CancellationToken ct)
    {
        var reach = familyId == Guid.Empty ? null : await session.LoadAsync<Access.FamilyReach>(familyId, ct);
        return MayAudit(caller, reach?.Relationships) ? null : Problems.Result(Problems.NotFound());
    }

    /// <summary>The rule itself: an auditor of the organisation, or the family's responsible social worker; no family, nobody.</summary>
    private static bool MayAudit(Professional caller, Access.Relationships? relationships) =>
        relationships is not null
        && (AccessLogQueries.IsAuditor(caller) || relationships.ResponsibleSocialWorkerId == caller.Id && caller.IsSocialWorker);
}
