using System.Collections.Concurrent;
using System.Reflection;
using Coordination.Families;
using Coordination.SystemicTeams;
using JasperFx.Events;

namespace Coordination.SituationalPicture;

/// <summary>
/// The picture as the facts stood: only facts that had happened by <c>asOf</c> (their <c>occurredAt</c>) and had been
/// recorded by <c>knownAt</c> (the store's timestamp), folded in stream order by the projection's own methods.
/// Registry facts (the family's registration, a child added to it) describe the record, not the case: the family existed
/// before anyone registered it, so they are filtered by <c>knownAt</c> only.
/// </summary>
public static class PictureReplay
{
    private static readonly ConcurrentDictionary<Type, MethodInfo?> Appliers = new();

    public static FamilyPicture? Fold(IEnumerable<IEvent> events, DateTimeOffset? asOf, DateTimeOffset? knownAt) =>
        Fold(null, events, asOf, knownAt);

    /// <summary>
    /// Folds onto <paramref name="picture"/> (changed in place) as it stood after the facts before <paramref name="events"/>,
    /// every one of which passed the same filter: a snapshot's picture (<see cref="PictureSnapshots.Usable"/>).
    /// </summary>
    public static FamilyPicture? Fold(FamilyPicture? picture, IEnumerable<IEvent> events, DateTimeOffset? asOf, DateTimeOffset? knownAt)
    {
        foreach (var e in Standing(events, asOf, knownAt))
        {
            if (e is IEvent<FamilyRegistered> registered)
            {
                picture = FamilyPictureProjection.Create(registered);
                continue;
            }
            if (picture is null || Applier(e.Data.GetType()) is not { } apply)
            {
                continue;
            }
            try
            {
                apply.Invoke(null, [e, picture]);
            }
            catch (TargetInvocationException inner) when (inner.InnerException is InvalidOperationException)
            {
                // A fact that refers to one that had not happened by asOf (say, an urgency assessed before its concern's
                // received time): it is left out of this moment's picture.
            }
        }
        return picture;
    }

    /// <summary>The team's systemic record as it stood, by the same two moments.</summary>
    public static SystemicRecord? FoldSystemicRecord(IEnumerable<IEvent> events, DateTimeOffset? asOf, DateTimeOffset? knownAt) =>
        FoldSystemicRecord(null, events, asOf, knownAt);

    /// <summary>Folds onto <paramref name="record"/> (changed in place), as <see cref="Fold(FamilyPicture?, IEnumerable{IEvent}, DateTimeOffset?, DateTimeOffset?)"/> does.</summary>
    public static SystemicRecord? FoldSystemicRecord(SystemicRecord? record, IEnumerable<IEvent> events, DateTimeOffset? asOf, DateTimeOffset? knownAt)
    {
        foreach (var e in Standing(events, asOf, knownAt))
        {
            switch (e)
            {
                case IEvent<SystemicDiscussionRecorded> discussion when record is null:
                    record = SystemicRecordProjection.Create(discussion);
                    break;
                case IEvent<SystemicDiscussionRecorded> discussion:
                    SystemicRecordProjection.Apply(discussion, record);
                    break;
                case IEvent<HypothesisRecorded> hypothesis when record is not null:
                    SystemicRecordProjection.Apply(hypothesis, record);
                    break;
                case IEvent<ActionAgreed> agreed when record is not null:
                    SystemicRecordProjection.Apply(agreed.Data, record);
                    break;
                case IEvent<ActionCompleted> completed when record is not null
                                                            && record.Actions.Exists(a => a.ActionId == completed.Data.ActionId):
                    SystemicRecordProjection.Apply(completed.Data, record);
                    break;
            }
        }
        return record;
    }

    private static IEnumerable<IEvent> Standing(IEnumerable<IEvent> events, DateTimeOffset? asOf, DateTimeOffset? knownAt) =>
        events.Where(e => e.Data is IFamilyEvent fact
                          && (e.Data is FamilyRegistered or ChildAddedToFamily or ExpectedChildRecorded || asOf is not { } a || fact.OccurredAt <= a)
                          && (knownAt is not { } k || e.Timestamp <= k));

    private static MethodInfo? Applier(Type eventType) => Appliers.GetOrAdd(eventType, t =>
        typeof(FamilyPictureProjection).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == "Apply" && m.GetParameters() is [var first, var second]
                                 && first.ParameterType == typeof(IEvent<>).MakeGenericType(t) && second.ParameterType == typeof(FamilyPicture)));
}
