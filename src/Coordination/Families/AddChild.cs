using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Families;

public sealed record AddChild(string? PersonId, string? Name, DateOnly? BirthDate);

public sealed record ChildAddedResponse(Guid ChildId, long Version);

/// <summary>A child joins the family record after registration (born, or found to belong to the family).</summary>
public static class AddChildEndpoint
{
    [WolverinePost("/api/families/{familyId}/children", OperationId = "addChild")]
    [Tags("Families")]
    public static Task<IResult> Post(Guid familyId, AddChild command, FamilyWrites writes) =>
        writes.AppendAsync(familyId,
            (session, family, ct) => family.Relationships.ResponsibleSocialWorkerId is { } worker
                ? SystemicTeams.ResponsibleWorkers.ChildrenHeldElsewhereAsync(session, writes.Caller.Organisation, worker, family.Id, ct)
                : Task.FromResult(0),
            (family, heldElsewhere) => Decide(family, command, heldElsewhere, writes.Caller, writes.Now));

    /// <summary>
    /// A social worker adds a child. The family's responsible social worker takes the child on too, so the limit of
    /// LsL 13 b § is checked here as for an allocation (under the worker's lock).
    /// </summary>
    public static Decision Decide(Family family, AddChild command, int childrenHeldElsewhere, Identity.Professional caller, DateTimeOffset now)
    {
        if (Refusals.SocialWorkOnly(caller, "adds a child to a family") is { } forbidden)
        {
            return forbidden;
        }
        if (family.Relationships.ResponsibleSocialWorkerId is not null
            && SystemicTeams.ResponsibleWorkers.OverLimit(childrenHeldElsewhere + family.ChildIds.Count + 1) is { } overLimit)
        {
            return overLimit;
        }
        if (command.PersonId is not null && family.PersonIds.Contains(command.PersonId))
        {
            return Decision.Refuse(Hosting.Problems.Conflict("already-in-family", "This person is already in the family."));
        }
        var child = Members.Create(command.PersonId, command.Name!, command.BirthDate, relation: null);
        var added = new ChildAddedToFamily(family.Id, child, caller.AsActor(), now);
        return Decision.Created(version => new ChildAddedResponse(child.MemberId, version), added);
    }
}

public sealed class AddChildValidator : AbstractValidator<AddChild>
{
    public AddChildValidator(TimeProvider clock)
    {
        RuleFor(c => c.Name).NotEmpty().PlainText(Rules.NameMax);
        RuleFor(c => c.PersonId).PersonalIdentityCode();
        RuleFor(c => c).Custom((c, ctx) => Person.CheckBirthDate(c.PersonId, c.BirthDate, clock, ctx));
    }
}
