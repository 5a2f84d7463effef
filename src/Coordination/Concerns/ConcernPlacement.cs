using Coordination.Audit;
using Coordination.Deadlines;
using Coordination.Families;
using JasperFx.Events;
using Marten;
using Wolverine;

namespace Coordination.Concerns;

/// <summary>
/// A fact that arrived from outside a request on the family (a school message, an intake notification) appended to the
/// family's stream, which the caller holds for writing: sealed into the hash chain, and a concern's deadline checks
/// scheduled in the same transaction (the outbox).
/// </summary>
public static class ConcernPlacement
{
    /// <returns>The family's version after the fact.</returns>
    public static async Task<long> AppendAsync(IDocumentSession session, IMessageContext bus, IEventStream<Family> stream, IFamilyEvent fact,
        CancellationToken ct)
    {
        var before = stream.CurrentVersion ?? stream.StartingVersion ?? 0; // appending moves the stream's own count
        await HashChain.AppendSealedAsync(session, stream, [fact], ct);
        if (fact is ConcernRaised raised)
        {
            foreach (var check in DeadlineChecks.For(stream.Id, DeadlineRules.ForConcern(raised)))
            {
                await bus.ScheduleAsync(check.Message, check.At, new DeliveryOptions { TenantId = session.TenantId });
            }
        }
        return before + 1;
    }
}
