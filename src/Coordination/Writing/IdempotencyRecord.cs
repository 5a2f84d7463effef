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
    public string Body { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
}

public static class WritingStorage
{
    public static void ConfigureWriting(this StoreOptions opts) =>
        opts.Schema.For<IdempotencyRecord>().DocumentAlias("idempotency_record");
}
