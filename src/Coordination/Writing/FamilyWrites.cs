using Coordination.Access;
using Coordination.Families;
using Coordination.Identity;
using Marten;

namespace Coordination.Writing;

/// <summary>
/// Writes to a family stream through <see cref="StreamWrites"/>, with the family's access rule: a family the caller
/// has no relationship with is 404 (ATL 9 §), never revealing that it exists.
/// </summary>
public sealed class FamilyWrites(StreamWrites writes)
{
    private const string What = "family";

    public Professional Caller => writes.Caller;

    public DateTimeOffset Now => writes.Now;

    /// <summary>
    /// Starts a new family stream with the facts <paramref name="decide"/> returns, after <paramref name="load"/> has read
    /// what the decision needs in the starting transaction.
    /// </summary>
    public Task<IResult> StartAsync<TContext>(Guid familyId, Func<IQuerySession, CancellationToken, Task<TContext>> load,
        Func<TContext, Decision> decide) =>
        writes.StartAsync<Family>(familyId, async (session, ct) => decide(await load(session, ct)), What);

    /// <summary>Appends to an existing family stream the caller has a relationship with.</summary>
    public Task<IResult> AppendAsync(Guid familyId, Func<Family, Decision> decide) =>
        writes.AppendAsync<Family>(familyId, What, MayWriteAsync, (_, family, _) => Task.FromResult(decide(family)));

    /// <summary>
    /// Appends to a family stream the caller has a relationship with, when the decision needs more than the family:
    /// <paramref name="load"/> reads it under the family's lock, then <paramref name="decide"/> decides on both.
    /// </summary>
    public Task<IResult> AppendAsync<TContext>(Guid familyId, Func<IQuerySession, Family, CancellationToken, Task<TContext>> load,
        Func<Family, TContext, Decision> decide) =>
        writes.AppendAsync<Family>(familyId, What, MayWriteAsync,
            async (session, family, ct) => decide(family, await load(session, family, ct)));

    private Task<bool> MayWriteAsync(IQuerySession session, Family family, CancellationToken ct) =>
        FamilyAccess.HasRelationshipAsync(session, writes.Caller, family.Relationships, ct);
}
