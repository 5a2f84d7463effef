using Marten;

namespace Coordination.Writing;

/// <summary>
/// The first answer given to a request that carried an Idempotency-Key. Written in the same transaction as the
/// events it answered for, so a key is never remembered for a write that did not happen, nor the reverse.
/// </summary>
public sealed class IdempotencyRecord
{
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public Guid FamilyId { get; set; }
    public int Status { get; set; }
    public long Version { get; set; }
    /// <summary>The answer, when it carried no client data; empty when it did (<see cref="Rerender"/>).</summary>
    public string Body { get; set; } = "";
    /// <summary>The answer carried client data, so it was not kept: a replay decides it again through the sharing gate.</summary>
    public bool Rerender { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>The first answer's Location (a 201), given again with it.</summary>
    public string? Location { get; set; }

    /// <summary>
    /// Records written before answers with client data were re-rendered kept a confirmation's whole entry (its answer names
    /// <c>sharedUnder</c>): such a record is replayed as if it said <see cref="Rerender"/>, never from its body.
    /// </summary>
    public static bool HeldClientData(IdempotencyRecord record) => record.Body.Contains("\"sharedUnder\":", StringComparison.Ordinal);
}

public static class WritingStorage
{
    public static void ConfigureWriting(this StoreOptions opts) =>
        opts.Schema.For<IdempotencyRecord>().DocumentAlias("idempotency_record");
}
