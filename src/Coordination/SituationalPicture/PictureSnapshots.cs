using Coordination.Families;
using JasperFx.Events;

namespace Coordination.SituationalPicture;

/// <summary>
/// Where a replay may start: the family's facts 1..<see cref="Version"/> folded unfiltered, marked with what a moment must
/// lie after for every one of them to count (<see cref="LatestOccurredAt"/>, <see cref="LatestRecordedAt"/>) and with how
/// early the facts of its own segment (the previous snapshot's version, this one's] lie, so that a replay can pass over a
/// segment none of whose facts counts without reading it. Derived data, never a fact: any snapshot may be deleted at any
/// time and is written again by the next replay that needs it. The folded state is in <see cref="PictureSnapshotState"/>
/// under the same id, so that choosing among a family's snapshots does not read every picture.
/// </summary>
public sealed class PictureSnapshot
{
    /// <summary>Family, fold and version (<see cref="PictureSnapshots.IdOf"/>): replays that write the same snapshot write the same row.</summary>
    public string Id { get; set; } = "";
    public Guid FamilyId { get; set; }
    /// <summary>The fold that made it (<see cref="PictureSnapshots.Fold"/>); a snapshot of another fold is never used.</summary>
    public string Fold { get; set; } = "";
    public long Version { get; set; }
    /// <summary>The latest <c>occurredAt</c> of the case facts 1..Version (registry facts count at any asOf); MinValue if none.</summary>
    public DateTimeOffset LatestOccurredAt { get; set; }
    /// <summary>The latest recording time of the facts 1..Version; MinValue if none.</summary>
    public DateTimeOffset LatestRecordedAt { get; set; }
    /// <summary>The earliest <c>occurredAt</c> of the segment's case facts; MinValue if it holds a registry fact, MaxValue if no fact.</summary>
    public DateTimeOffset EarliestOccurredAt { get; set; }
    /// <summary>The earliest recording time of the segment's facts; MaxValue if it holds none.</summary>
    public DateTimeOffset EarliestRecordedAt { get; set; }
}

/// <summary>The picture and the systemic record as they stood after facts 1..Version of the family, unfiltered.</summary>
public sealed class PictureSnapshotState
{
    /// <summary>The id of its <see cref="PictureSnapshot"/>.</summary>
    public string Id { get; set; } = "";
    public Guid FamilyId { get; set; }
    public string Fold { get; set; } = "";
    public FamilyPicture? Picture { get; set; }
    public SystemicTeams.SystemicRecord? Systemic { get; set; }
}

/// <summary>Versions <see cref="From"/>..<see cref="To"/> of a stream, both inclusive; <see cref="To"/> null: to its end.</summary>
public readonly record struct VersionRange(long From, long? To);

/// <summary>What a replay at one (asOf, knownAt) reads: the snapshot it starts from (null: from nothing) and the versions after it.</summary>
public sealed record ReplayPlan(PictureSnapshot? Start, IReadOnlyList<VersionRange> Reads)
{
    public long StartVersion => Start?.Version ?? 0;
}

/// <summary>
/// The choice of snapshot and of the versions to read, pure. A snapshot v is usable at (asOf, knownAt) when every fact
/// 1..v passes the replay's filter (<see cref="PictureReplay"/>): then folding the facts after v that pass onto it is
/// exactly folding every fact that passes, in order. Facts are not ordered by <c>occurredAt</c> (they can be back-dated),
/// so usability is judged by the latest times of 1..v, not by v's own.
/// </summary>
public static class PictureSnapshots
{
    /// <summary>
    /// A snapshot every this many facts, at fixed versions (50, 100, …) so that concurrent replays write the same ones.
    /// The tail after the newest snapshot, read on every replay, is then at most 49 facts (about 150 KB of case notes);
    /// a snapshot's state is the picture without case-note texts (measured by Audit/ReplayMeasurement: about 0.7 MB at
    /// 1,000 facts whose events hold 3.2 MB), so 20 snapshots of such a family hold about 7 MB.
    /// </summary>
    public const int Every = 50;

    /// <summary>
    /// The fold that snapshots were made by: the interval and the module version id of the assembly holding the picture's
    /// projection. Builds are deterministic, so the id changes exactly when any compiled code does; a snapshot therefore
    /// never outlives the code that folded it (a changed projection, a changed deadline rule), with no constant for anyone
    /// to forget to raise. Snapshots of another fold are ignored and deleted by the next replay that writes one.
    /// </summary>
    public static readonly string Fold = $"{Every}-{typeof(FamilyPictureProjection).Assembly.ManifestModule.ModuleVersionId:N}";

    public static string IdOf(Guid familyId, string fold, long version) => $"{familyId:N}/{fold}/{version}";

    /// <summary>Snapshots of this fold at Every, 2·Every, … without a gap, in order; those beyond a gap are not trusted.</summary>
    public static IReadOnlyList<PictureSnapshot> Chain(IEnumerable<PictureSnapshot> snapshots, string fold, int every = Every)
    {
        var byVersion = snapshots.Where(s => s.Fold == fold).GroupBy(s => s.Version).ToDictionary(g => g.Key, g => g.First());
        var chain = new List<PictureSnapshot>();
        for (long v = every; byVersion.TryGetValue(v, out var next); v += every)
        {
            chain.Add(next);
        }
        return chain;
    }

    public static bool Usable(PictureSnapshot s, DateTimeOffset? asOf, DateTimeOffset? knownAt) =>
        (asOf is not { } a || s.LatestOccurredAt <= a) && (knownAt is not { } k || s.LatestRecordedAt <= k);

    /// <summary>No fact of the snapshot's segment passes the filter: it need not be read.</summary>
    public static bool Skippable(PictureSnapshot s, DateTimeOffset? asOf, DateTimeOffset? knownAt) =>
        (asOf is { } a && s.EarliestOccurredAt > a) || (knownAt is { } k && s.EarliestRecordedAt > k);

    /// <summary>
    /// Start from the newest usable snapshot of the chain; read every later segment that may hold a fact that passes, and
    /// always the tail after the newest snapshot (which no snapshot describes). Adjacent reads are one range.
    /// </summary>
    public static ReplayPlan Plan(IReadOnlyList<PictureSnapshot> chain, DateTimeOffset? asOf, DateTimeOffset? knownAt)
    {
        // Latest times are maxima over 1..v, so the usable snapshots are a prefix of the chain.
        var start = chain.TakeWhile(s => Usable(s, asOf, knownAt)).LastOrDefault();
        var reads = new List<VersionRange>();
        for (var i = 0; i < chain.Count; i++)
        {
            var previous = i == 0 ? 0 : chain[i - 1].Version;
            if (chain[i].Version > (start?.Version ?? 0) && !Skippable(chain[i], asOf, knownAt))
            {
                reads.Add(new VersionRange(previous + 1, chain[i].Version));
            }
        }
        reads.Add(new VersionRange((chain.Count > 0 ? chain[^1].Version : 0) + 1, null));
        return new ReplayPlan(start, Merge(reads));
    }

    /// <summary>The ranges as few as can be: sorted, overlapping or adjacent ones joined.</summary>
    public static IReadOnlyList<VersionRange> Merge(IEnumerable<VersionRange> ranges)
    {
        var merged = new List<VersionRange>();
        foreach (var r in ranges.OrderBy(r => r.From))
        {
            if (merged.Count > 0 && merged[^1] is var last && (last.To is null || last.To + 1 >= r.From))
            {
                merged[^1] = new VersionRange(last.From, last.To is null || r.To is null ? null : Math.Max(last.To.Value, r.To.Value));
            }
            else
            {
                merged.Add(r);
            }
        }
        return merged;
    }

    /// <summary>The snapshot after <paramref name="segment"/> (the facts after <paramref name="previous"/>, up to <paramref name="version"/>).</summary>
    public static PictureSnapshot Mark(Guid familyId, string fold, PictureSnapshot? previous, IEnumerable<IEvent> segment, long version)
    {
        var (latestOccurred, latestRecorded) = (previous?.LatestOccurredAt ?? DateTimeOffset.MinValue, previous?.LatestRecordedAt ?? DateTimeOffset.MinValue);
        var (earliestOccurred, earliestRecorded) = (DateTimeOffset.MaxValue, DateTimeOffset.MaxValue);
        foreach (var e in segment)
        {
            if (e.Data is not IFamilyEvent fact)
            {
                continue; // never folded, at any moment
            }
            if (e.Data is FamilyRegistered or ChildAddedToFamily or ExpectedChildRecorded)
            {
                earliestOccurred = DateTimeOffset.MinValue; // counts at every asOf
            }
            else
            {
                latestOccurred = Max(latestOccurred, fact.OccurredAt);
                earliestOccurred = Min(earliestOccurred, fact.OccurredAt);
            }
            latestRecorded = Max(latestRecorded, e.Timestamp);
            earliestRecorded = Min(earliestRecorded, e.Timestamp);
        }
        return new PictureSnapshot
        {
            Id = IdOf(familyId, fold, version), FamilyId = familyId, Fold = fold, Version = version,
            LatestOccurredAt = latestOccurred, LatestRecordedAt = latestRecorded,
            EarliestOccurredAt = earliestOccurred, EarliestRecordedAt = earliestRecorded,
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
