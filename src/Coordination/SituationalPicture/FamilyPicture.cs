using Coordination.Families;
using Coordination.Identity;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace Coordination.SituationalPicture;

/// <summary>
/// The whole situational picture of one family as the record holds it, kept current in the transaction of every
/// write (inline projection). What a particular viewer is shown is cut from it at read time.
/// </summary>
public sealed class FamilyPicture
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public List<PictureMember> Children { get; set; } = [];
    public List<PictureMember> Guardians { get; set; } = [];
    public string? Municipality { get; set; }
    public List<string> Languages { get; set; } = [];
    /// <summary>Every identity code in the family, for search-before-create (GIN-indexed).</summary>
    public List<string> PersonIds { get; set; } = [];
    public List<Involvement> Professionals { get; set; } = [];
    public List<string> RelatedProfessionalIds { get; set; } = [];
    public DateTimeOffset RegisteredAt { get; set; }
    public DateTimeOffset LastRecordedAt { get; set; }
}

public sealed record PictureMember(Guid Id, string? PersonId, string Name, DateOnly BirthDate, string? Relation);

/// <summary>A professional involved with the family and how they came to be (contact role).</summary>
public sealed record Involvement(string ProfessionalId, string Name, Agency Agency, string Role, DateTimeOffset Since);

public sealed partial class FamilyPictureProjection : SingleStreamProjection<FamilyPicture, Guid>
{
    public static FamilyPicture Create(IEvent<FamilyRegistered> e)
    {
        var d = e.Data;
        var picture = new FamilyPicture
        {
            Id = d.FamilyId,
            Children = d.Children.Select(Member).ToList(),
            Guardians = d.Guardians.Select(Member).ToList(),
            Municipality = d.Municipality,
            Languages = d.Languages.ToList(),
            PersonIds = d.Children.Concat(d.Guardians).Select(m => m.PersonId).OfType<string>().ToList(),
            RegisteredAt = d.OccurredAt,
        };
        picture.Involve(d.By, "registered-family", d.OccurredAt);
        picture.Touch(e);
        return picture;
    }

    public static void Apply(IEvent<ChildAddedToFamily> e, FamilyPicture picture)
    {
        picture.Children.Add(Member(e.Data.Child));
        if (e.Data.Child.PersonId is { } code)
        {
            picture.PersonIds.Add(code);
        }
        picture.Involve(e.Data.By, "added-child", e.Data.OccurredAt);
        picture.Touch(e);
    }

    private static PictureMember Member(FamilyMember m) => new(m.MemberId, m.PersonId, m.Name, m.BirthDate, m.Relation);
}

public static class FamilyPictureMutations
{
    public static void Involve(this FamilyPicture picture, Actor actor, string role, DateTimeOffset since)
    {
        if (!picture.Professionals.Any(p => p.ProfessionalId == actor.Id && p.Role == role))
        {
            picture.Professionals.Add(new Involvement(actor.Id, actor.Name, actor.Agency, role, since));
        }
        if (!picture.RelatedProfessionalIds.Contains(actor.Id))
        {
            picture.RelatedProfessionalIds.Add(actor.Id);
        }
    }

    /// <summary>Version and recording time come from the event's metadata, never from a clock.</summary>
    public static void Touch(this FamilyPicture picture, IEvent e)
    {
        picture.Version = e.Version;
        picture.LastRecordedAt = e.Timestamp;
    }
}

public static class SituationalPictureStorage
{
    public static void ConfigureSituationalPicture(this StoreOptions opts)
    {
        opts.Projections.Add<FamilyPictureProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        opts.Schema.For<FamilyPicture>().GinIndexJsonData();
    }
}
