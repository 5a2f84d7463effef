using Coordination.SystemicTeams;
using JasperFx.Events;
using Marten;

namespace Coordination.SituationalPicture;

/// <summary>The three folds a replay answers from: the picture at (asOf, knownAt), at (null, knownAt) for when consents ceased, and the systemic record.</summary>
public sealed record Replayed(FamilyPicture? Picture, FamilyPicture? AsRecorded, SystemicRecord? Systemic);

/// <summary>
/// The replay of <see cref="PictureReplay"/> from the nearest usable snapshot (<see cref="PictureSnapshots"/>), reading only
/// the versions that may hold a fact that counts. The snapshots are extended here, lazily, by the replay that finds
/// <see cref="PictureSnapshots.Every"/> or more facts after the newest one: the write path stays as it was, and a family
/// nobody replays costs nothing. Two replays extending at once write the same rows with the same content.
/// </summary>
public static class SnapshotReplay
{
    public static async Task<Replayed> ReplayAsync(IDocumentStore store, IQuerySession session, Guid familyId, DateTimeOffset? asOf,
        DateTimeOffset? knownAt, CancellationToken ct)
    {
        var batch = session.CreateBatchQuery();
        var snapshotsLoad = batch.Query<PictureSnapshot>().Where(s => s.FamilyId == familyId).ToList();
        var streamLoad = batch.Events.FetchStreamState(familyId);
        await batch.Execute(ct);
        var snapshots = await snapshotsLoad;
        if (await streamLoad is not { IsArchived: false } stream)
        {
            return new Replayed(null, null, null); // as a fetch of the stream would find it: no facts
        }
        var chain = PictureSnapshots.Chain(snapshots, PictureSnapshots.Fold);
        if (chain.Count > 0 && chain[^1].Version > stream.Version)
        {
            chain = []; // not this stream's snapshots (one deleted and started again): they are overwritten as it grows
        }
        var stale = snapshots.Any(s => s.Fold != PictureSnapshots.Fold);
        if (stale || stream.Version - (chain.Count > 0 ? chain[^1].Version : 0) >= PictureSnapshots.Every)
        {
            chain = await ExtendAsync(store, session, familyId, chain, stream.Version, stale, ct);
        }
        return await FoldAsync(session, familyId, chain, asOf, knownAt, ct)
               ?? await FoldAsync(session, familyId, [], asOf, knownAt, ct)
               ?? throw new InvalidOperationException("A replay without snapshots needs none.");
    }

    /// <summary>Null when a snapshot the plan starts from has lost its state (deleted between the two reads): then without snapshots.</summary>
    private static async Task<Replayed?> FoldAsync(IQuerySession session, Guid familyId, IReadOnlyList<PictureSnapshot> chain,
        DateTimeOffset? asOf, DateTimeOffset? knownAt, CancellationToken ct)
    {
        var plan = PictureSnapshots.Plan(chain, asOf, knownAt);
        // Without asOf the two picture folds are one.
        var asRecorded = asOf is null ? plan : PictureSnapshots.Plan(chain, null, knownAt);
        var batch = session.CreateBatchQuery();
        var starts = new[] { plan.Start, asRecorded.Start }.OfType<PictureSnapshot>().Select(s => s.Id).Distinct()
            .ToDictionary(id => id, id => batch.Load<PictureSnapshotState>(id));
        // Every range either fold needs, each bounded by knownAt: an event of one fold's range that the other fold
        // reads lies in a segment of which no fact passes that other fold's filter, or before its start.
        // Npgsql writes only UTC to timestamptz: a moment given as +03:00 would otherwise fail the read.
        var recordedBy = knownAt?.ToUniversalTime();
        var reads = PictureSnapshots.Merge(plan.Reads.Concat(asRecorded.Reads))
            .Select(r => batch.Events.FetchStream(familyId, version: r.To ?? 0, timestamp: recordedBy, fromVersion: r.From)).ToList();
        await batch.Execute(ct);

        var states = new Dictionary<string, PictureSnapshotState>();
        foreach (var (id, load) in starts)
        {
            if (await load is not { } state)
            {
                return null;
            }
            states[id] = state;
        }
        var events = (await Task.WhenAll(reads)).SelectMany(r => r).OrderBy(e => e.Version).ToList();

        var start = plan.Start is { } s ? states[s.Id] : null;
        // Each fold changes its start in place: a second fold from the same snapshot starts from a copy taken before the first.
        var recordedStart = asOf is null || asRecorded.Start is not { } r ? null
            : r.Id == plan.Start?.Id ? Copy(session, states[r.Id].Picture) : states[r.Id].Picture;
        var after = events.Where(e => e.Version > plan.StartVersion).ToList();
        var picture = PictureReplay.Fold(start?.Picture, after, asOf, knownAt);
        var systemic = PictureReplay.FoldSystemicRecord(start?.Systemic, after, asOf, knownAt);
        if (asOf is null)
        {
            return new Replayed(picture, picture, systemic);
        }
        var recorded = PictureReplay.Fold(recordedStart, events.Where(e => e.Version > asRecorded.StartVersion), null, knownAt);
        return new Replayed(picture, recorded, systemic);
    }

    /// <summary>
    /// Writes the snapshots at every multiple of <see cref="PictureSnapshots.Every"/> the stream has passed, from the
    /// newest one there is, reading one segment at a time (a family's case notes are megabytes). Each snapshot is saved
    /// with its state in one transaction, so a snapshot is never found without its state by a replay that is not racing a deletion.
    /// </summary>
    private static async Task<IReadOnlyList<PictureSnapshot>> ExtendAsync(IDocumentStore store, IQuerySession session, Guid familyId,
        IReadOnlyList<PictureSnapshot> chain, long streamVersion, bool stale, CancellationToken ct)
    {
        var fold = PictureSnapshots.Fold;
        await using var writer = store.LightweightSession(session.TenantId);
        if (stale)
        {
            writer.DeleteWhere<PictureSnapshot>(s => s.FamilyId == familyId && s.Fold != fold);
            writer.DeleteWhere<PictureSnapshotState>(s => s.FamilyId == familyId && s.Fold != fold);
        }
        var extended = chain.ToList();
        var previous = extended.LastOrDefault();
        var state = previous is null ? null : await session.LoadAsync<PictureSnapshotState>(previous.Id, ct);
        if (previous is not null && state is null)
        {
            (extended, previous) = ([], null); // its state went missing: start the chain again
        }
        var (picture, systemic) = (state?.Picture, state?.Systemic);
        for (var from = (previous?.Version ?? 0) + 1; from + PictureSnapshots.Every - 1 <= streamVersion; from += PictureSnapshots.Every)
        {
            var to = from + PictureSnapshots.Every - 1;
            var segment = await session.Events.FetchStreamAsync(familyId, version: to, fromVersion: from, token: ct);
            if (segment.Count != PictureSnapshots.Every || segment[^1].Version != to)
            {
                break; // versions missing from the stream: no snapshot claims to describe them
            }
            picture = PictureReplay.Fold(picture, segment, asOf: null, knownAt: null);
            systemic = PictureReplay.FoldSystemicRecord(systemic, segment, asOf: null, knownAt: null);
            var mark = PictureSnapshots.Mark(familyId, fold, previous, segment, to);
            writer.Store(new PictureSnapshotState { Id = mark.Id, FamilyId = familyId, Fold = fold, Picture = picture, Systemic = systemic });
            writer.Store(mark);
            // Saved now: the documents are serialised when saved, and the next segment changes the picture in place.
            await writer.SaveChangesAsync(ct);
            extended.Add(mark);
            previous = mark;
        }
        await writer.SaveChangesAsync(ct);
        return extended;
    }

    private static FamilyPicture? Copy(IQuerySession session, FamilyPicture? picture) =>
        picture is null ? null : session.DocumentStore.Options.Serializer().FromJson<FamilyPicture>(
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(session.DocumentStore.Options.Serializer().ToJson(picture))));
}
