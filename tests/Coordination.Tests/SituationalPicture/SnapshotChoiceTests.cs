using Coordination.Consent;
using Coordination.Families;
using Coordination.Identity;
using Coordination.SituationalPicture;
using JasperFx.Events;

namespace Coordination.Tests.SituationalPicture;

/// <summary>Which snapshot a replay starts from and which versions it reads, for hand-written snapshots; expected plans written out.</summary>
public class SnapshotChoiceTests
{
    private const string Fold = "test-fold";
    private static readonly Guid Family = Guid.Parse("6f1c3a52-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset Day0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Day(int n) => Day0.AddDays(n);

    /// <summary>A snapshot at <paramref name="version"/>: latest times over 1..version, earliest times of its segment (days).</summary>
    private static PictureSnapshot S(long version, int latestOccurred, int latestRecorded, int earliestOccurred, int earliestRecorded) => new()
    {
        Id = PictureSnapshots.IdOf(Family, Fold, version), FamilyId = Family, Fold = Fold, Version = version,
        LatestOccurredAt = Day(latestOccurred), LatestRecordedAt = Day(latestRecorded),
        EarliestOccurredAt = Day(earliestOccurred), EarliestRecordedAt = Day(earliestRecorded),
    };

    /// <summary>Three segments recorded on days 1-10, 11-20 and 21-30, each about what happened the same days.</summary>
    private static readonly PictureSnapshot[] InOrder = [S(50, 10, 10, 1, 1), S(100, 20, 20, 11, 11), S(150, 30, 30, 21, 21)];

    private static VersionRange R(long from, long? to) => new(from, to);

    [Fact]
    public void without_snapshots_the_whole_stream_is_read()
    {
        var plan = PictureSnapshots.Plan([], Day(5), Day(5));
        Assert.Null(plan.Start);
        Assert.Equal([R(1, null)], plan.Reads);
    }

    [Fact]
    public void known_at_a_moment_inside_the_second_segment_starts_at_50_reads_51_to_100_and_the_tail()
    {
        var plan = PictureSnapshots.Plan(InOrder, null, Day(15));
        Assert.Equal(50, plan.StartVersion);
        Assert.Equal([R(51, 100), R(151, null)], plan.Reads);
    }

    [Fact]
    public void a_moment_after_every_snapshot_starts_at_the_newest_and_reads_only_the_tail()
    {
        Assert.Equal(150, PictureSnapshots.Plan(InOrder, Day(31), null).StartVersion);
        Assert.Equal([R(151, null)], PictureSnapshots.Plan(InOrder, Day(31), Day(31)).Reads);
        Assert.Equal([R(151, null)], PictureSnapshots.Plan(InOrder, Day(30), Day(30)).Reads); // exactly at the latest fact: it counts
    }

    [Fact]
    public void a_moment_before_every_fact_starts_from_nothing_and_skips_every_segment()
    {
        var plan = PictureSnapshots.Plan(InOrder, Day(0), null);
        Assert.Null(plan.Start);
        Assert.Equal([R(151, null)], plan.Reads);
    }

    [Fact]
    public void a_back_dated_fact_keeps_its_snapshot_from_being_used_and_its_segment_from_being_skipped()
    {
        // Segment 2 holds a fact recorded on day 15 about day 2.
        PictureSnapshot[] chain = [S(50, 10, 10, 1, 1), S(100, 20, 20, 2, 11), S(150, 30, 30, 21, 21)];
        var asOf = PictureSnapshots.Plan(chain, Day(12), null);
        Assert.Equal(50, asOf.StartVersion);
        Assert.Equal([R(51, 100), R(151, null)], asOf.Reads);

        // As of day 5 no snapshot is usable (50's facts reach day 10): segment 1 and 2 may hold facts of days 1-5.
        var early = PictureSnapshots.Plan(chain, Day(5), null);
        Assert.Null(early.Start);
        Assert.Equal([R(1, 100), R(151, null)], early.Reads);
    }

    [Fact]
    public void a_segment_with_a_registry_fact_is_read_at_every_as_of()
    {
        PictureSnapshot[] chain = [S(50, 10, 10, 1, 1), S(100, 20, 20, 11, 11), S(150, 30, 30, 21, 21)];
        chain[1].EarliestOccurredAt = DateTimeOffset.MinValue; // a child added in segment 2
        Assert.Equal([R(51, 100), R(151, null)], PictureSnapshots.Plan(chain, Day(0), null).Reads);
        // ...but it is skipped when it was recorded after knownAt.
        Assert.Equal([R(151, null)], PictureSnapshots.Plan(chain, Day(0), Day(9)).Reads);
    }

    [Fact]
    public void asof_and_known_at_each_skip_what_the_other_would_read()
    {
        // Known at day 25 and as of day 15: start at 50; 51-100 may count; 101-150 happened after day 15.
        var plan = PictureSnapshots.Plan(InOrder, Day(15), Day(25));
        Assert.Equal(50, plan.StartVersion);
        Assert.Equal([R(51, 100), R(151, null)], plan.Reads);
    }

    [Fact]
    public void only_the_gapless_chain_of_this_fold_is_trusted()
    {
        var other = S(100, 20, 20, 11, 11);
        other.Fold = "another-fold";
        var chain = PictureSnapshots.Chain([S(150, 30, 30, 21, 21), S(50, 10, 10, 1, 1), other, S(200, 40, 40, 31, 31)], Fold);
        Assert.Equal([50L], chain.Select(s => s.Version));
        Assert.Empty(PictureSnapshots.Chain([S(100, 20, 20, 11, 11)], Fold));
        Assert.Equal([50L, 100L, 150L], PictureSnapshots.Chain(InOrder.Reverse(), Fold).Select(s => s.Version));
    }

    [Fact]
    public void ranges_are_merged_when_they_touch_or_overlap_and_the_tail_absorbs_what_follows()
    {
        Assert.Equal([R(1, 100), R(151, null)], PictureSnapshots.Merge([R(51, 100), R(151, null), R(1, 50), R(60, 70)]));
        Assert.Equal([R(51, null)], PictureSnapshots.Merge([R(101, null), R(51, 100), R(151, null)]));
        Assert.Equal([R(1, 50), R(52, 60)], PictureSnapshots.Merge([R(52, 60), R(1, 50)]));
    }

    private static readonly Actor By = new("sw-1", "Sanna", Agency.SocialWork, "county-pirkanmaa");

    private static Event<T> E<T>(long version, T data, DateTimeOffset recorded) where T : notnull =>
        new Event<T>(data) { Version = version, Timestamp = recorded };

    [Fact]
    public void a_snapshot_marks_its_segment_and_carries_the_latest_times_forward()
    {
        var previous = S(50, 10, 10, 1, 1);
        IEvent[] segment =
        [
            E(51, new ConsentWithdrawn(Guid.NewGuid(), null, By, Day(14)), Day(12)),
            E(52, new ConsentWithdrawn(Guid.NewGuid(), null, By, Day(3)), Day(13)),    // back-dated
            E(53, new ConsentWithdrawn(Guid.NewGuid(), null, By, Day(8)), Day(11)),    // recorded earlier than 52 (clocks)
            E(54, "not a family fact", Day(2)),                                        // never folded: not counted
        ];
        var mark = PictureSnapshots.Mark(Family, Fold, previous, segment, 100);
        Assert.Equal(PictureSnapshots.IdOf(Family, Fold, 100), mark.Id);
        Assert.Equal((Day(14), Day(13)), (mark.LatestOccurredAt, mark.LatestRecordedAt));
        Assert.Equal((Day(3), Day(11)), (mark.EarliestOccurredAt, mark.EarliestRecordedAt));

        // The latest times never go back: a later segment of older facts keeps the earlier maxima.
        var next = PictureSnapshots.Mark(Family, Fold, mark, [E(101, new ConsentWithdrawn(Guid.NewGuid(), null, By, Day(1)), Day(12))], 150);
        Assert.Equal((Day(14), Day(13), Day(1), Day(12)), (next.LatestOccurredAt, next.LatestRecordedAt, next.EarliestOccurredAt, next.EarliestRecordedAt));
    }

    [Fact]
    public void a_registry_fact_counts_at_any_as_of_so_its_segment_is_earliest_and_it_does_not_raise_the_latest()
    {
        var child = new ChildAddedToFamily(Family, new FamilyMember(Guid.NewGuid(), null, "Aino", new DateOnly(2016, 5, 1), null), By, Day(20));
        var mark = PictureSnapshots.Mark(Family, Fold, null, [E(1, child, Day(20))], 50);
        Assert.Equal((DateTimeOffset.MinValue, Day(20)), (mark.EarliestOccurredAt, mark.EarliestRecordedAt));
        Assert.Equal((DateTimeOffset.MinValue, Day(20)), (mark.LatestOccurredAt, mark.LatestRecordedAt));

        var empty = PictureSnapshots.Mark(Family, Fold, null, [E(1, "not a family fact", Day(2))], 50);
        Assert.Equal((DateTimeOffset.MaxValue, DateTimeOffset.MaxValue), (empty.EarliestOccurredAt, empty.EarliestRecordedAt));
    }
}
