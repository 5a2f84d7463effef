using Coordination.Hosting;
using Coordination.Identity;

namespace Coordination.Writing;

/// <summary>Refusals that several commands share.</summary>
public static class Refusals
{
    /// <summary>Clocks differ a little; beyond this a time in the future is an error, not skew.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The statutory decisions: a social worker's (docs/sharing.md §6), not a coordinator's or an admin's.</summary>
    public static Decision? SocialWorkOnly(Professional caller, string what) =>
        caller.IsSocialWorker
            ? null
            : Decision.Refuse(Problems.Forbidden($"Only a social worker {what} (social work, role caseworker, responsible-social-worker or consultant-social-worker)."));

    /// <summary>Recording and contributing: a case worker's, not a coordinator's or an admin's.</summary>
    public static Decision? CaseworkerOnly(Professional caller, string what) =>
        caller.IsCaseworker
            ? null
            : Decision.Refuse(Problems.Forbidden(
                $"Only a case-working professional {what} (role caseworker, responsible-social-worker, consultant-social-worker or clinician)."));

    /// <summary>No fact of a case record happened before this: an earlier time is a typing slip (or 0001-01-01), not history.</summary>
    public static readonly DateTimeOffset EarliestCaseTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A time a professional gives for something that happened: not in the future, and not before <see cref="EarliestCaseTime"/>.</summary>
    public static Decision? NotACaseTime(string field, DateTimeOffset? value, DateTimeOffset now) =>
        value > now + ClockSkew ? Decision.Refuse(Problems.Invalid(field, "This time is in the future."))
        : value < EarliestCaseTime ? Decision.Refuse(Problems.Invalid(field, "This time is before 2000: no fact of this record happened then."))
        : null;

    /// <summary>
    /// Facts happen in order: one cannot have happened before the fact it follows from (a decision before the concern's
    /// receipt, a hearing before the assessment started). 400, naming the earlier fact in the field's error and in
    /// <c>earlierFact</c>.
    /// </summary>
    /// <param name="earlier">The fact it follows from, as the record names it (<c>concern-received</c>, <c>assessment-started</c>).</param>
    public static Decision? NotBefore(string field, DateTimeOffset? value, string earlier, Guid earlierId, DateTimeOffset earlierAt)
    {
        if (value is not { } at || at >= earlierAt)
        {
            return null;
        }
        var problem = Problems.Invalid(field, $"This is before the fact it follows: {earlier} at {earlierAt:yyyy-MM-ddTHH:mm:ssK}.");
        problem.Extensions["earlierFact"] = new EarlierFact(earlier, earlierId, earlierAt);
        return Decision.Refuse(problem);
    }

    /// <summary>A fact about a concern cannot have happened before the concern was received.</summary>
    public static Decision? NotBeforeReceipt(string field, DateTimeOffset? value, Guid concernId, DateTimeOffset receivedAt) =>
        NotBefore(field, value, "concern-received", concernId, receivedAt);

    public static Decision NotFound(string what) => Decision.Refuse(Problems.NotFound(what));

    /// <summary>
    /// 409 <c>possible-duplicate</c>: other families of the organisation already hold <paramref name="held"/>, named in
    /// <c>existingFamilyIds</c>, and no <c>separateHousehold</c> reason was given (a registration, a birth).
    /// </summary>
    public static Decision? PossibleDuplicate(IReadOnlyList<Guid> existingFamilyIds, object? separateHousehold, string held)
    {
        if (existingFamilyIds.Count == 0 || separateHousehold is not null)
        {
            return null;
        }
        var problem = Problems.Conflict("possible-duplicate",
            $"{held}. Work on that family, or say why this is a separate household with separateHousehold: {{ reason }}.");
        problem.Extensions["existingFamilyIds"] = existingFamilyIds;
        return Decision.Refuse(problem);
    }
}

/// <summary>The fact a refused time would have come before, as a 400's <c>earlierFact</c> names it.</summary>
public sealed record EarlierFact(string Fact, Guid Id, DateTimeOffset OccurredAt);
