using Coordination.Writing;

namespace Coordination.Deadlines;

/// <summary>A check, due the moment a deadline's day is over, of whether it was met. Tenant from the envelope.</summary>
public sealed record CheckDeadline(Guid FamilyId, string DeadlineKey);

public static class DeadlineChecks
{
    public static IReadOnlyList<ScheduledMessage> For(Guid familyId, IEnumerable<Deadline> deadlines) =>
        deadlines.Select(d => new ScheduledMessage(new CheckDeadline(familyId, d.Key), DeadlineRules.CheckAt(d))).ToList();
}
