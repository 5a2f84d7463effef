using Marten;

namespace Coordination.SystemicTeams;

/// <summary>
/// The children a responsible social worker holds (LsL 13 b §), read under a transaction lock on the worker: whatever
/// changes what they hold (an allocation naming them, their leaving a team) takes the same lock, so two such changes
/// take turns and each decides on what the other committed.
/// </summary>
public static class ResponsibleWorkers
{
    /// <summary>LsL 13 b §: a responsible social worker should not hold more than this many children.</summary>
    public const int ChildLimit = 30;

    /// <summary>The refusal when naming the worker would take them over the limit; null when it would not.</summary>
    public static Writing.Decision? OverLimit(int childrenHeld) => childrenHeld <= ChildLimit
        ? null
        : Writing.Decision.Refuse(Hosting.Problems.Conflict("caseload-limit",
            $"This worker would hold {childrenHeld} children; a responsible social worker holds at most {ChildLimit} (LsL 13 b §)."));

    /// <summary>Someone named responsible: as the directory knows them (null: never signed in), and the children they hold elsewhere.</summary>
    public sealed record Candidate(Identity.Professional? Known, int ChildrenHeldElsewhere)
    {
        public static readonly Candidate None = new(null, 0);
    }

    /// <summary>Under the worker's lock: who they are and the children they hold in the organisation's other families.</summary>
    public static async Task<Candidate> CandidateAsync(IQuerySession session, string organisation, string workerId, Guid familyId,
        CancellationToken ct)
    {
        var held = await ChildrenHeldElsewhereAsync(session, organisation, workerId, familyId, ct);
        return new Candidate(await Identity.ProfessionalDirectory.FindAsync(session, workerId, ct), held);
    }

    /// <summary>
    /// LsL 13 b §: the responsible worker is a social worker. The service knows a professional's agency from their token,
    /// so one who has never signed in cannot be named yet.
    /// </summary>
    public static Writing.Decision? NotASocialWorker(Candidate worker, string field) => worker.Known?.IsSocialWorker == true
        ? null
        : Writing.Decision.Refuse(Hosting.Problems.Conflict("not-a-social-worker", worker.Known is null
            ? $"The {field} names nobody who has signed in to Coordination. Name a social worker who has (LsL 13 b §)."
            : $"The {field} names a professional of {Identity.Kebab.Name(worker.Known.Agency)} without a social worker's role; "
              + "the responsible worker is a social worker (LsL 13 b §)."));

    /// <summary>Under the worker's lock: the children they hold in the organisation's families other than <paramref name="familyId"/>.</summary>
    public static async Task<int> ChildrenHeldElsewhereAsync(IQuerySession session, string organisation, string workerId, Guid familyId,
        CancellationToken ct)
    {
        await LockAsync(session, organisation, workerId, ct);
        return (await CasesAsync(session, workerId, ct)).Where(c => c.Id != familyId).Sum(c => c.Children.Count);
    }

    public static Task LockAsync(IQuerySession session, string organisation, string workerId, CancellationToken ct) =>
        Writing.TransactionLocks.TakeAsync(session, $"responsible-worker:{organisation}:{workerId}", ct);

    /// <summary>The cases the worker is responsible for, in the whole organisation (the session's tenant).</summary>
    public static async Task<IReadOnlyList<TeamCase>> CasesAsync(IQuerySession session, string workerId, CancellationToken ct) =>
        await session.Query<TeamCase>().Where(c => c.ResponsibleSocialWorkerId == workerId).ToListAsync(ct);
}
