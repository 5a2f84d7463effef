using Coordination.Audit;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Hosting;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
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
        DateTimeOffset now, CancellationToken ct)
    {
        var before = stream.CurrentVersion ?? stream.StartingVersion ?? 0; // appending moves the stream's own count
        // A notification received days before it is placed may open deadlines already passed: their misses go with it.
        IReadOnlyList<object> facts = [fact, .. DeadlineLedger.MissesMadeKnown(stream.Aggregate!, [fact], now, session.TenantId)];
        await HashChain.AppendSealedAsync(session, stream, facts, ct);
        if (fact is ConcernRaised raised)
        {
            foreach (var check in DeadlineChecks.For(stream.Id, DeadlineRules.ForConcern(raised)))
            {
                await bus.ScheduleAsync(check.Message, check.At, new DeliveryOptions { TenantId = session.TenantId });
            }
        }
        return before + facts.Count;
    }

    /// <summary>
    /// Whether what arrived may be placed on this child of the family: a concern by the rules of which children a concern of
    /// its kind names (<see cref="ConcernRules.ChildrenFit(Family, IReadOnlyList{Guid}, ConcernKind, SourceAgency?, DateTimeOffset)"/>),
    /// and a school system's report only on a child already born (a pupil). Null when it may; else why not, as the field
    /// <c>childId</c>.
    /// </summary>
    /// <param name="concern">The concern it becomes (kind, source, receipt), or null for a school report that is no concern.</param>
    public static ProblemDetails? MayPlace(Family family, Guid childId, (ConcernKind Kind, SourceAgency? Agency, DateTimeOffset ReceivedAt)? concern)
    {
        if (concern is { } c)
        {
            return ConcernRules.ChildrenFit(family, [childId], c.Kind, c.Agency, c.ReceivedAt) is Writing.Decision.Refused refused
                ? Problems.Invalid("childId", (refused.Problem as HttpValidationProblemDetails)?.Errors.Values.SelectMany(m => m).FirstOrDefault()
                                              ?? refused.Problem.Detail ?? "This concern cannot name this child.")
                : null;
        }
        return family.ExpectedChildren.ContainsKey(childId)
            ? Problems.Invalid("childId", "A child not yet born is no pupil: a school system's report is placed on a child born.")
            : null;
    }

    /// <summary>
    /// The child of the family that something arriving for a person is placed on, when a social worker places it: the child
    /// they name, or the one with the identity code it came with. A code that is not the child's is a conflict.
    /// </summary>
    /// <param name="noun">What the arrival calls the person (<c>pupil</c>, <c>child</c>), for the problem's type.</param>
    /// <param name="whose">Whose identity code it is, as the problem says it ("the pupil's").</param>
    public static (SituationalPicture.PictureMember? Child, ProblemDetails? Problem) ChildToPlaceOn(SituationalPicture.FamilyPicture family,
        Guid? namedChildId, string? personId, string noun, string whose)
    {
        var child = namedChildId is { } named
            ? family.Children.FirstOrDefault(c => c.Id == named)
            : family.Children.FirstOrDefault(c => personId is not null && c.PersonId == personId);
        if (child is null)
        {
            return (null, namedChildId is null
                ? Problems.Conflict($"{noun}-not-in-family",
                    $"No child of this family has {whose} identity code. Add the child to the family first, or name the child with childId.")
                : Problems.Invalid("childId", "Name a child of this family."));
        }
        return child.PersonId is not null && personId is not null && child.PersonId != personId
            ? (null, Problems.Conflict($"not-the-{noun}", $"This child's identity code is not {whose}."))
            : (child, null);
    }
}
