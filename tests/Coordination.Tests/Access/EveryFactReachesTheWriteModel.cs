using System.Reflection;
using Coordination.Families;

namespace Coordination.Tests.Access;

/// <summary>
/// <c>FamilyReach</c> folds every fact of a family with <c>Relationships.Record</c>; the write model folds only the facts it
/// has an <c>Apply</c> (or <c>Create</c>) for, each of which records the fact's relationships. So the two hold the same
/// relationships only if the write model takes every kind of family fact: a fact it skipped would relate someone in the
/// lists and not in the writes. Read here from the types themselves.
/// </summary>
public sealed class EveryFactReachesTheWriteModel
{
    public static TheoryData<string> FamilyFacts()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(IFamilyEvent).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFamilyEvent).IsAssignableFrom(t)).OrderBy(t => t.Name))
        {
            data.Add(type.FullName!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FamilyFacts))]
    public void the_write_model_applies_every_kind_of_family_fact(string typeName)
    {
        var type = typeof(IFamilyEvent).Assembly.GetType(typeName)!;
        var folds = typeof(Family).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name is "Apply" or "Create" && m.GetParameters() is [var p] && p.ParameterType == type);
        Assert.Single(folds);
    }

    [Fact]
    public void there_are_family_facts_to_check() => Assert.True(FamilyFacts().Count > 25);
}
