using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Families;
using Coordination.Identity;
using Coordination.SystemicTeams;

namespace Coordination.Deadlines;

/// <summary>
/// The one place that says how facts open, meet, assign and miss a family's statutory deadlines. The write model and the
/// picture both call it for every fact, so the deadline a write decides on and the one a reader sees cannot drift apart.
/// Reads nothing but its arguments: a rebuild reproduces it exactly.
/// </summary>
/// <remarks>
/// Who is responsible (<see cref="Deadline.ResponsibleId"/>): an urgency or decision deadline is the family's named
/// responsible social worker's while one is named (LsL 13 b §), and moves with that naming while it is open; until one is
/// named, a decision deadline is the social worker's who assessed the concern's urgency (they took the matter up), and
/// before that nobody's by name (the intake's). A completion deadline is the assessing social worker's.
/// </remarks>
public static class DeadlineLedger
{
    /// <summary>
    /// The facts <see cref="Record"/> acts on, and the only ones that name a responsible social worker (Relationships): any
    /// other fact leaves a family's deadlines as they were. Kept beside the switch below, which must handle no other type.
    /// </summary>
    public static bool CanChangeDeadlines(IFamilyEvent fact) =>
        fact is ConcernRaised or UrgencyAssessed or ConcernDecided or AssessmentStarted or AssessmentConcluded or FamilyAllocatedToTeam
            or DeadlineMissed;

    /// <param name="find">The family's deadline under a key, if any.</param>
    /// <param name="add">Adds a deadline (a key is never added twice).</param>
    /// <param name="all">Every deadline of the family.</param>
    /// <param name="receivedAt">When a concern of the family was received, as the model knows it.</param>
    /// <param name="responsibleSocialWorker">The family's named responsible social worker after this fact.</param>
    public static void Record(IFamilyEvent fact, Func<string, Deadline?> find, Action<Deadline> add, IEnumerable<Deadline> all,
        Func<Guid, DateTimeOffset?> receivedAt, string? responsibleSocialWorker)
    {
        switch (fact)
        {
            case ConcernRaised e:
                foreach (var deadline in DeadlineRules.ForConcern(e, responsibleSocialWorker))
                {
                    add(deadline);
                }
                break;
            case UrgencyAssessed e:
                find(DeadlineRules.Key(DeadlineKind.UrgencyAssessment, e.ConcernId))?.MeetAt(e.OccurredAt);
                if (find(DeadlineRules.Key(DeadlineKind.AssessmentDecision, e.ConcernId)) is { ResponsibleId: null } decision)
                {
                    decision.ResponsibleId = e.By.Id;
                }
                break;
            case ConcernDecided e:
                find(DeadlineRules.Key(DeadlineKind.AssessmentDecision, e.ConcernId))?.MeetAt(e.OccurredAt);
                break;
            case AssessmentStarted e:
                add(DeadlineRules.ForAssessment(e, DeadlineRules.PendingSince(e, receivedAt)));
                break;
            case AssessmentConcluded e:
                find(DeadlineRules.Key(DeadlineKind.AssessmentCompletion, e.AssessmentId))?.MeetAt(e.OccurredAt);
                if (e.ResponsibleSocialWorkerId is not null)
                {
                    Reassign(all, responsibleSocialWorker);
                }
                break;
            case FamilyAllocatedToTeam:
                Reassign(all, responsibleSocialWorker);
                break;
            case DeadlineMissed e:
                if (find(e.DeadlineKey) is { } missed)
                {
                    missed.MissedRecorded = true;
                }
                break;
        }
    }

    /// <summary>A newly named responsible social worker takes over the family's open urgency and decision deadlines.</summary>
    private static void Reassign(IEnumerable<Deadline> all, string? responsibleSocialWorker)
    {
        if (responsibleSocialWorker is null)
        {
            return;
        }
        foreach (var d in all.Where(d => d.MetOn is null && d.Kind is DeadlineKind.UrgencyAssessment or DeadlineKind.AssessmentDecision))
        {
            d.ResponsibleId = responsibleSocialWorker;
        }
    }

    /// <summary>The keys of the deadlines <paramref name="facts"/> meet (a reminder of them is no longer waiting for anyone). Pure.</summary>
    public static IReadOnlyList<string> MetBy(Family family, IReadOnlyList<object> facts) =>
        [.. facts.Select(f => f switch
        {
            UrgencyAssessed e => DeadlineRules.Key(DeadlineKind.UrgencyAssessment, e.ConcernId),
            ConcernDecided e => DeadlineRules.Key(DeadlineKind.AssessmentDecision, e.ConcernId),
            AssessmentConcluded e => DeadlineRules.Key(DeadlineKind.AssessmentCompletion, e.AssessmentId),
            _ => null,
        }).OfType<string>().Where(key => family.Deadlines.TryGetValue(key, out var d) && d.MetOn is null)];

    /// <summary>
    /// The misses that <paramref name="facts"/>, about to be appended to <paramref name="family"/> at <paramref name="now"/>,
    /// make known: a deadline they meet after it passed, or open when it has already passed (a concern received days ago and
    /// recorded today), whose miss is not recorded yet. Each is a fact from the moment the deadline passed
    /// (<see cref="DeadlineRules.CheckAt"/>), recorded now by the service, in the same write. Pure.
    /// </summary>
    public static IReadOnlyList<DeadlineMissed> MissesMadeKnown(Family family, IReadOnlyList<object> facts, DateTimeOffset now,
        string organisation)
    {
        var book = family.Deadlines.ToDictionary(d => d.Key, d => d.Value.Copy());
        var received = family.Concerns.ToDictionary(c => c.Key, c => c.Value.ReceivedAt);
        var touched = new HashSet<string>();
        var responsible = family.Relationships.ResponsibleSocialWorkerId;
        foreach (var fact in facts.OfType<IFamilyEvent>())
        {
            switch (fact)
            {
                case ConcernRaised raised:
                    received[raised.ConcernId] = raised.ReceivedAt;
                    break;
                case FamilyAllocatedToTeam allocated: // as Relationships.Record names the responsible social worker
                    responsible = allocated.ResponsibleSocialWorkerId;
                    break;
                case AssessmentConcluded { ResponsibleSocialWorkerId: { } named }:
                    responsible = named;
                    break;
            }
            var before = book.ToDictionary(d => d.Key, d => d.Value.MetOn);
            Record(fact, key => book.GetValueOrDefault(key), d => book[d.Key] = d, book.Values,
                id => received.TryGetValue(id, out var at) ? at : null, responsible);
            touched.UnionWith(book.Where(d => !before.TryGetValue(d.Key, out var met) || met != d.Value.MetOn).Select(d => d.Key));
        }
        return [.. touched.Select(key => book[key])
            .Where(d => !d.MissedRecorded && DeadlineRules.Passed(d, now))
            .OrderBy(d => d.DueDate).ThenBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new DeadlineMissed(d.Key, d.Kind, d.DueDate, d.ResponsibleId, Actor.Service(organisation), DeadlineRules.CheckAt(d)))];
    }
}
