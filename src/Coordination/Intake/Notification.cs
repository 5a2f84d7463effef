using Coordination.Concerns;
using Coordination.Families;
using Coordination.Identity;
using System.Text.Json;
using Coordination.Hosting;
using Marten;
using Npgsql;

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

    public static void ConfigureIntake(this StoreOptions opts)
    {
        opts.Schema.For<Notification>().UseOptimisticConcurrency(true)
            .Index(n => n.Content.Child!.PersonId); // an access report finds a child's notifications (ATL 11 §)
        UnmatchedNotifications.ConfigureIndexes(opts);
    }

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

/// <summary>
/// One page of an organisation's notifications in one status, oldest first, after a cursor (<see cref="StatusPages"/>): an
/// ordered range of the index on (tenant, status, acceptance, id).
/// </summary>
public static class UnmatchedNotifications
{
    public const string Table = "mt_doc_notification"; // Marten's table for Notification

    public static void ConfigureIndexes(StoreOptions opts) => opts
        .Column<Notification>(nameof(Notification.Status), "status")
        .Column<Notification>(nameof(Notification.AcceptedAt), "accepted_at")
        .Ordered<Notification>("notification_waiting", ["tenant_id", "status", "accepted_at", "id"]);

    private static readonly StatusPages Pages = new(Table, "accepted_at", IdInC: false);

    /// <summary>A page: each notification with its acceptance as the column holds it (microseconds), where the next page starts.</summary>
    public static Task<List<StatusPages.Row<Notification>>> PageAsync(IDocumentStore store, string organisation, string status,
        (DateTimeOffset AcceptedAt, Guid Id)? after, int limit, CancellationToken ct) =>
        Pages.ReadAsync<Notification>(store, organisation, status, after is { } a ? (a.AcceptedAt, a.Id) : null, limit, ct);

    /// <summary>The statement a page runs (also what the index test explains).</summary>
    public static string Sql(string schema, bool afterCursor) => Pages.Sql(schema, afterCursor);
}
