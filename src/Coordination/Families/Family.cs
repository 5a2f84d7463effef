namespace Coordination.Families;

/// <summary>The write model of one family stream: only what decisions need. Never mutated outside Apply.</summary>
public sealed class Family
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public List<Guid> ChildIds { get; set; } = [];
    public List<Guid> GuardianIds { get; set; } = [];
    public HashSet<string> RelatedProfessionalIds { get; set; } = [];
    public HashSet<string> PersonIds { get; set; } = [];

    public static Family Create(FamilyRegistered e) => new()
    {
        Id = e.FamilyId,
        ChildIds = e.Children.Select(c => c.MemberId).ToList(),
        GuardianIds = e.Guardians.Select(g => g.MemberId).ToList(),
        RelatedProfessionalIds = [e.By.Id],
        PersonIds = e.Children.Concat(e.Guardians).Select(m => m.PersonId).OfType<string>().ToHashSet(),
    };

    public void Apply(ChildAddedToFamily e)
    {
        ChildIds.Add(e.Child.MemberId);
        if (e.Child.PersonId is not null)
        {
            PersonIds.Add(e.Child.PersonId);
        }
    }
}
