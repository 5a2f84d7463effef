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
        writes.AppendAsync(familyId, family => Decide(family, command, writes));

    public static Decision Decide(Family family, AddChild command, FamilyWrites writes)
    {
        if (command.PersonId is not null && family.PersonIds.Contains(command.PersonId))
        {
            return Decision.Refuse(Hosting.Problems.Conflict("already-in-family", "This person is already in the family."));
        }
        var child = Members.Create(command.PersonId, command.Name!, command.BirthDate, relation: null);
        var added = new ChildAddedToFamily(family.Id, child, writes.Caller.AsActor(), writes.Now);
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
