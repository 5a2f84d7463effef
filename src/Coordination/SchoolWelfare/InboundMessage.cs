namespace Coordination.SchoolWelfare;

/// <summary>
/// Where a message stands, as the contract spells it (kept as text so the store can index and query it). Dead-lettered
/// is not stored here: it is read from Wolverine's dead-letter store.
/// </summary>
public static class InboundStatus
{
    /// <summary>Accepted and waiting in the durable inbox, or being retried.</summary>
    public const string Received = "received";
    /// <summary>Its facts are on the family's stream.</summary>
    public const string Processed = "processed";
    /// <summary>No single family of the organisation holds the pupil: waits for a social worker to link it.</summary>
    public const string Unmatched = "unmatched";
    /// <summary>Signed, but not a message this service reads (its reason says why). Never processed.</summary>
    public const string Rejected = "rejected";
    /// <summary>Failed processing after its retries: read from the dead-letter store, never stored here.</summary>
    public const string DeadLettered = "dead-lettered";
}

/// <summary>
/// One message from one sender, keyed by both: the record that makes a message count once. It is inserted in the same
/// transaction as the inbox envelope that will process it, so a message is either accepted and will be processed, or
/// not accepted at all; a second copy finds it and is a duplicate. Processing changes its status in the same
/// transaction as the facts it appends (optimistic concurrency), so its effects happen exactly once.
/// </summary>
public sealed class InboundMessage
{
    public string Id { get; set; } = "";
    public string SenderId { get; set; } = "";
    public string SenderName { get; set; } = "";
    public string MessageId { get; set; } = "";
    public SchoolMessageType? Type { get; set; }
    /// <summary>SHA-256 of the body as it arrived: a second copy with another body is not a duplicate but a reused id.</summary>
    public string BodyHash { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    public string Status { get; set; } = InboundStatus.Received;
    public string? Reason { get; set; }
    public Guid? FamilyId { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    /// <summary>When processing first settled it (placed, or left for social work): what the sender is told, never when it was linked.</summary>
    public DateTimeOffset? SettledAt { get; set; }
    /// <summary>Who placed an unmatched message on a family (a social worker's id); null when it was placed on arrival.</summary>
    public string? LinkedBy { get; set; }
    /// <summary>The inbox envelope that processes it: how a dead letter is found and replayed.</summary>
    public Guid? EnvelopeId { get; set; }
    public SchoolMessage? Message { get; set; }

    public static string KeyOf(string senderId, string messageId) => $"{senderId}/{messageId}";

    /// <summary>The record of a copy that arrived now (over an earlier, rejected one if there was one): from whom, which, its bytes, where it stands.</summary>
    public static InboundMessage Arrived(InboundMessage? earlier, SchoolSender sender, string messageId, string bodyHash, DateTimeOffset at,
        string status, string? reason)
    {
        var record = earlier ?? new InboundMessage { Id = KeyOf(sender.Id, messageId) };
        record.SenderId = sender.Id;
        record.SenderName = sender.Name;
        record.MessageId = messageId;
        record.BodyHash = bodyHash;
        record.ReceivedAt = at;
        record.Status = status;
        record.Reason = reason;
        return record;
    }
}

/// <summary>The durable-inbox message that processes one accepted school message. The tenant travels on the envelope.</summary>
public sealed record ProcessSchoolMessage(string InboundId);
