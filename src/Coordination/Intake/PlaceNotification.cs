using Coordination.Concerns;
using Coordination.Families;
using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten;
using Wolverine;

namespace Coordination.Intake;

/// <summary>
/// Places an accepted notification on the one family of the organisation holding the child, or leaves it for social
/// work. The notification's status changes in the transaction that appends the concern (optimistic concurrency on it), so
/// a redelivered envelope finds it done.
/// </summary>
public static class ProcessNotificationHandler
{
    public static async Task Handle(ProcessNotification command, IDocumentSession session, IMessageContext bus, TimeProvider clock,
        CancellationToken ct)
    {
        var notification = await session.LoadAsync<Notification>(command.NotificationId, ct);
        if (notification is not { Status: NotificationStatus.Received })
        {
            return; // placed, unmatched or unknown: nothing more to do, and doing nothing twice is harmless
        }
        var (families, reason) = await IntakeSetup.CandidatesAsync(session, notification, ct);
        if (reason is not null)
        {
            Unmatched(session, notification, reason);
            return;
        }
        var stream = await session.Events.FetchForExclusiveWriting<Family>(families[0], ct);
        var picture = await session.LoadAsync<FamilyPicture>(families[0], ct);
        var child = picture?.Children.FirstOrDefault(c => c.PersonId == notification.Content.Child!.PersonId);
        if (stream.Aggregate is null || child is null)
        {
            Unmatched(session, notification, "The family that holds this identity code has no child with it; a social worker places the notification.");
            return;
        }
        if (ConcernPlacement.MayPlace(stream.Aggregate, child.Id, NotificationPlacement.AsConcern(notification)) is { } misfit)
        {
            Unmatched(session, notification, $"The child the identity code names cannot be named by this notification: {Reason(misfit)}");
            return;
        }
        await NotificationPlacement.PlaceAsync(session, bus, stream, notification, child.Id, placedBy: null, clock.GetUtcNow(), ct);
    }

    private static string Reason(Microsoft.AspNetCore.Mvc.ProblemDetails problem) =>
        (problem as Microsoft.AspNetCore.Http.HttpValidationProblemDetails)?.Errors.Values.SelectMany(m => m).FirstOrDefault() ?? problem.Detail ?? "";

    private static void Unmatched(IDocumentSession session, Notification notification, string reason)
    {
        notification.Status = NotificationStatus.Unmatched;
        notification.Reason = reason;
        session.Update(notification);
    }
}

/// <summary>What a notification becomes on a family: on arrival, and when a social worker places an unmatched one.</summary>
public static class NotificationPlacement
{
    /// <summary>The concern a notification becomes: its kind, source and receipt, for <see cref="ConcernPlacement.MayPlace"/>.</summary>
    public static (ConcernKind, SourceAgency?, DateTimeOffset) AsConcern(Notification n) =>
        (n.Content.Kind!.Value, n.Content.Source?.Agency, n.Content.ReceivedAt!.Value);

    /// <returns>The family's version after the concern.</returns>
    public static async Task<long> PlaceAsync(IDocumentSession session, IMessageContext bus, IEventStream<Family> stream,
        Notification notification, Guid childId, string? placedBy, DateTimeOffset now, CancellationToken ct)
    {
        var version = await ConcernPlacement.AppendAsync(session, bus, stream, notification.Raised(childId), now, ct);
        notification.Status = NotificationStatus.Placed;
        notification.Reason = null;
        notification.FamilyId = stream.Id;
        notification.ChildId = childId;
        notification.PlacedAt = now;
        notification.PlacedBy = placedBy;
        session.Update(notification);
        return version;
    }
}
