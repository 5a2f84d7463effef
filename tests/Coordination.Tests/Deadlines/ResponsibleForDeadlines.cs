using Coordination.Deadlines;
using Coordination.Families;
using static Coordination.Tests.Deadlines.Facts;

namespace Coordination.Tests.Deadlines;

/// <summary>
/// Who is to meet a deadline (DeadlineLedger's remarks): the family's named responsible social worker for urgency and
/// decision deadlines, moving with the naming while open; until one is named, the decision is the urgency assessor's, and
/// before that nobody's by name. A completion deadline is the assessing social worker's.
/// </summary>
public class ResponsibleForDeadlines
{
    private static string? Responsible(Family family, string key) => family.Deadlines[key].ResponsibleId;

    [Fact]
    public void a_new_concerns_deadlines_are_the_familys_responsible_social_workers()
    {
        var family = Family(out var child);
        family.Apply(Allocated("sw-resp", At("2026-09-01T09:00:00+03:00")));
        var concern = Guid.NewGuid();

        family.Apply(Notification(concern, child, At("2026-10-21T10:00:00+03:00")));
        Assert.Equal("sw-resp", Responsible(family, UrgencyKey(concern)));
        Assert.Equal("sw-resp", Responsible(family, DecisionKey(concern)));

        // Another social worker assessing the urgency does not take the decision from the named worker.
        family.Apply(Urgency(concern, "sw-duty", At("2026-10-21T14:00:00+03:00")));
        Assert.Equal("sw-resp", Responsible(family, UrgencyKey(concern)));
        Assert.Equal("sw-resp", Responsible(family, DecisionKey(concern)));
    }

    [Fact]
    public void with_nobody_named_the_decision_is_the_urgency_assessors_and_before_that_nobodys()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();

        family.Apply(Notification(concern, child, At("2026-10-21T10:00:00+03:00")));
        Assert.Null(Responsible(family, UrgencyKey(concern)));
        Assert.Null(Responsible(family, DecisionKey(concern)));

        family.Apply(Urgency(concern, "sw-duty", At("2026-10-21T14:00:00+03:00")));
        Assert.Null(Responsible(family, UrgencyKey(concern)));
        Assert.Equal("sw-duty", Responsible(family, DecisionKey(concern)));

        family.Apply(Decided(concern, "sw-other", At("2026-10-23T10:00:00+03:00")));
        Assert.Equal("sw-duty", Responsible(family, DecisionKey(concern)));
    }

    /// <summary>
    /// c1: assessed by sw-a, decided by sw-lead who started the assessment (all met). c2: urgency assessed by sw-b, decision
    /// open. c3: just received, both open.
    /// </summary>
    private static (Family Family, Guid C1, Guid C2, Guid C3, Guid Assessment) ThreeConcerns()
    {
        var family = Family(out var child);
        Guid c1 = Guid.NewGuid(), c2 = Guid.NewGuid(), c3 = Guid.NewGuid(), assessment = Guid.NewGuid();
        family.Apply(Notification(c1, child, At("2026-10-01T10:00:00+03:00")));
        family.Apply(Urgency(c1, "sw-a", At("2026-10-01T12:00:00+03:00")));
        family.Apply(Decided(c1, "sw-lead", At("2026-10-05T10:00:00+03:00"), assessment));
        family.Apply(Started(assessment, [c1], child, D("2027-01-04"), "sw-lead", At("2026-10-05T10:00:00+03:00")));
        family.Apply(Notification(c2, child, At("2026-10-20T10:00:00+03:00")));
        family.Apply(Urgency(c2, "sw-b", At("2026-10-20T12:00:00+03:00")));
        family.Apply(Notification(c3, child, At("2026-10-22T10:00:00+03:00")));
        return (family, c1, c2, c3, assessment);
    }

    [Fact]
    public void an_allocation_moves_the_open_urgency_and_decision_deadlines_to_the_newly_named_worker_and_not_the_met_ones()
    {
        var (family, c1, c2, c3, assessment) = ThreeConcerns();

        family.Apply(Allocated("sw-resp", At("2026-10-22T13:00:00+03:00")));

        Assert.Null(Responsible(family, UrgencyKey(c1)));              // met, nobody's by name
        Assert.Equal("sw-a", Responsible(family, DecisionKey(c1)));    // met
        Assert.Equal("sw-lead", Responsible(family, CompletionKey(assessment)));
        Assert.Null(Responsible(family, UrgencyKey(c2)));              // met
        Assert.Equal("sw-resp", Responsible(family, DecisionKey(c2))); // open: was sw-b's
        Assert.Equal("sw-resp", Responsible(family, UrgencyKey(c3)));
        Assert.Equal("sw-resp", Responsible(family, DecisionKey(c3)));

        // c3's urgency is met, then the family moves to another team and worker: only c2's and c3's decisions move.
        family.Apply(Urgency(c3, "sw-resp", At("2026-10-22T15:00:00+03:00")));
        family.Apply(Allocated("sw-new", At("2026-10-26T09:00:00+02:00")));

        Assert.Equal("sw-a", Responsible(family, DecisionKey(c1)));
        Assert.Equal("sw-lead", Responsible(family, CompletionKey(assessment)));
        Assert.Equal("sw-new", Responsible(family, DecisionKey(c2)));
        Assert.Equal("sw-resp", Responsible(family, UrgencyKey(c3)));
        Assert.Equal("sw-new", Responsible(family, DecisionKey(c3)));
    }

    [Fact]
    public void a_conclusion_naming_a_responsible_social_worker_moves_the_open_deadlines_to_them()
    {
        var (family, c1, c2, c3, assessment) = ThreeConcerns();

        family.Apply(Concluded(assessment, "sw-lead", At("2026-12-01T10:00:00+02:00"), responsibleId: "sw-named"));

        Assert.Equal("sw-a", Responsible(family, DecisionKey(c1)));
        Assert.Equal("sw-lead", Responsible(family, CompletionKey(assessment)));
        Assert.Equal("sw-named", Responsible(family, DecisionKey(c2)));
        Assert.Equal("sw-named", Responsible(family, UrgencyKey(c3)));
        Assert.Equal("sw-named", Responsible(family, DecisionKey(c3)));
    }

    [Fact]
    public void a_conclusion_naming_nobody_moves_nothing()
    {
        var (family, _, c2, c3, assessment) = ThreeConcerns();

        family.Apply(Concluded(assessment, "sw-lead", At("2026-12-01T10:00:00+02:00"), responsibleId: null));

        Assert.Equal("sw-b", Responsible(family, DecisionKey(c2)));
        Assert.Null(Responsible(family, UrgencyKey(c3)));
        Assert.Null(Responsible(family, DecisionKey(c3)));
    }

    [Fact]
    public void the_urgency_assessor_takes_no_decision_moved_to_a_named_worker()
    {
        var family = Family(out var child);
        var concern = Guid.NewGuid();
        family.Apply(Notification(concern, child, At("2026-10-21T10:00:00+03:00")));
        family.Apply(Allocated("sw-resp", At("2026-10-21T11:00:00+03:00")));

        family.Apply(Urgency(concern, "sw-duty", At("2026-10-21T14:00:00+03:00")));

        Assert.Equal("sw-resp", Responsible(family, DecisionKey(concern)));
    }
}
