using Coordination.Concerns;
using Coordination.Families;
using Coordination.Identity;
using Marten;

namespace Coordination.Intake;

/// <summary>Where a notification stands in the intake, as <c>GET /api/intake?status=</c> names it.</summary>
public static class NotificationStatus
{
    /// <summary>Accepted; being placed on the family that holds the child.</summary>
    public const string Received = "received";
    /// <summary>On the family's record as a concern (its <c>ConcernRaised</c>).</summary>
    public const string Placed = "placed";
    /// <summary>No single family of the organisation holds the child: waits for a social worker to place it.</summary>
    public const string Unmatched = "unmatched";
}

/// <summary>
/// One notification that reached the organisation's social work through the intake (LsL 25 §), before and after it was
/// placed on a family. Like a school message: accepted in one transaction with the inbox envelope that places it, placed
/// once (optimistic concurrency), and left unmatched for a social worker when no single family holds the child. Its id is
/// the concern's id on the family, so the notifier's receipt names the concern from the start.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }
    public Actor Notifier { get; set; } = null!;
    public NotifyConcern Content { get; set; } = null!;
    public DateOnly DecisionDue { get; set; }
    public string Status { get; set; } = NotificationStatus.Received;
    public string? Reason { get; set; }
    public Guid? FamilyId { get; set; }
    public Guid? ChildId { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }
    public DateTimeOffset? PlacedAt { get; set; }
    /// <summary>The social worker who placed an unmatched notification; null when it was placed on arrival.</summary>
    public string? PlacedBy { get; set; }

    /// <summary>The concern it becomes on the family, about the child found there, raised by the notifier.</summary>
    public ConcernRaised Raised(Guid childId) => RaiseConcernEndpoint.Raised(Id, [childId], Content, Notifier);
}

/// <summary>The durable-inbox message that places one accepted notification. The tenant travels on the envelope.</summary>
public sealed record ProcessNotification(Guid NotificationId);

public static class IntakeSetup
{
    public const string Queue = "intake";

    public static void ConfigureIntake(this StoreOptions opts) =>
        opts.Schema.For<Notification>().UseOptimisticConcurrency(true).Index(n => n.Status).Index(n => n.AcceptedAt)
            .Index(n => n.Content.Child!.PersonId); // an access report finds a child's notifications (ATL 11 §)

    /// <summary>Places a notification: the one family of the organisation that holds the child, or none (unmatched).</summary>
    public static async Task<(IReadOnlyList<Guid> Families, string? Reason)> CandidatesAsync(IQuerySession session, Notification n,
        CancellationToken ct)
    {
        if (n.Content.Child?.PersonId is not { } personId)
        {
            return ([], "The notification names no identity code for the child; a social worker places it on a family.");
        }
        var families = await session.FamiliesHoldingAsync(personId, ct);
        return (families, families.Count switch
        {
            0 => "No family of the organisation holds this child; a social worker places the notification or opens a family.",
            1 => null,
            _ => $"{families.Count} families of the organisation hold this child; a social worker places the notification on the right one.",
        });
    }
}
