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
        var responsible = picture?.Relationships.ResponsibleSocialWorkerId == caller.Id && caller.IsSocialWorker;
        if (picture is null || !(AccessLogQueries.IsAuditor(caller) || responsible))
        {
            // Nobody else learns that the family exists (ATL 9 §).
            return (null, Problems.Result(Problems.NotFound()));
        }
        return (picture, null);
    }

    /// <summary>
    /// The same rule, for a caller that needs no picture (a replay, an integrity check): only the family's relationships are
    /// read, not its picture (hundreds of kilobytes for a family of years).
    /// </summary>
    public static async Task<IResult?> RefusedAsync(IQuerySession session, Professional caller, Guid familyId, CancellationToken ct)
    {
        var relationships = await session.Query<FamilyPicture>().Where(p => p.Id == familyId).Select(p => p.Relationships)
            .SingleOrDefaultAsync(ct);
        var responsible = relationships?.ResponsibleSocialWorkerId == caller.Id && caller.IsSocialWorker;
        return relationships is null || !(AccessLogQueries.IsAuditor(caller) || responsible)
            ? Problems.Result(Problems.NotFound())
            : null;
    }
}
