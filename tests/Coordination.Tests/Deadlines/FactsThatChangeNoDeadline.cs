using System.Runtime.CompilerServices;
using Coordination.Deadlines;
using Coordination.Families;

namespace Coordination.Tests.Deadlines;

/// <summary>
/// The deadline list's projection skips every fact <see cref="DeadlineLedger.CanChangeDeadlines"/> says changes no
/// deadline. The ledger itself is the oracle: given any other kind of fact, it looks up, adds and reassigns nothing.
/// </summary>
public sealed class FactsThatChangeNoDeadline
{
    public static TheoryData<string> OtherFacts()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(IFamilyEvent).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFamilyEvent).IsAssignableFrom(t))
                     .Where(t => !DeadlineLedger.CanChangeDeadlines((IFamilyEvent)RuntimeHelpers.GetUninitializedObject(t)))
                     .OrderBy(t => t.Name))
        {
            data.Add(type.FullName!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(OtherFacts))]
    public void the_ledger_does_nothing_with_a_fact_it_says_changes_no_deadline(string typeName)
    {
        var fact = (IFamilyEvent)RuntimeHelpers.GetUninitializedObject(typeof(IFamilyEvent).Assembly.GetType(typeName)!);
        var touched = new List<string>();
        var deadline = new Deadline { Key = "urgency-assessment:x", ResponsibleId = "someone" };

        DeadlineLedger.Record(fact, key => { touched.Add($"find {key}"); return null; }, d => touched.Add($"add {d.Key}"), [deadline],
            _ => null, "another-worker");

        Assert.Empty(touched);
        Assert.Equal("someone", deadline.ResponsibleId);
    }

    [Fact]
    public void the_facts_of_a_contribution_hearing_consent_and_school_report_are_among_them()
    {
        var others = OtherFacts().Select(row => row.Data).ToList();
        foreach (var name in new[] { "ContributionRecorded", "ChildHearingRecorded", "ConsentGiven", "AbsenceAlertReported", "AgencyInvited" })
        {
            Assert.Contains(others, o => o.EndsWith("." + name, StringComparison.Ordinal));
        }
    }
}
