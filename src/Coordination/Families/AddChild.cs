using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Families;

/// <param name="ExpectedBirthDate">For a child not yet born (LsL 25 c §): no personId or birthDate, name optional.</param>
public sealed record AddChild(string? PersonId, string? Name, DateOnly? BirthDate, DateOnly? ExpectedBirthDate = null) : IChildInput;

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
        if (command.ExpectedBirthDate is { } due)
        {
            var expected = new ExpectedChildRecorded(family.Id, Guid.CreateVersion7(), Members.Trimmed(command.Name), due, caller.AsActor(), now);
            return Decision.Created(version => new ChildAddedResponse(expected.ChildId, version), expected);
        }
        var child = Members.Create(command.PersonId, command.Name!, command.BirthDate, relation: null);
        var added = new ChildAddedToFamily(family.Id, child, caller.AsActor(), now);
        return Decision.Created(version => new ChildAddedResponse(child.MemberId, version), added);
    }
}

public sealed class AddChildValidator : AbstractValidator<AddChild>
{
    public AddChildValidator(TimeProvider clock) => Include(new ChildInputValidator<AddChild>(clock));
}

/// <param name="PersonId">The child's identity code; optional (then birthDate is required), as for any child.</param>
public sealed record RecordBirth(string? PersonId, string? Name, DateOnly? BirthDate);

public sealed record BirthRecordedResponse(Guid ChildId, long Version);

/// <summary>LsL 25 c §: the expected child of a pre-birth notification was born; the family record now holds the child as any other.</summary>
public static class RecordBirthEndpoint
{
    [WolverinePost("/api/families/{familyId}/children/{childId}/birth", OperationId = "recordBirth")]
    [Tags("Families")]
    public static Task<IResult> Post(Guid familyId, Guid childId, RecordBirth command, FamilyWrites writes) =>
        writes.AppendAsync(familyId, family => Decide(family, childId, command, writes.Caller, writes.Now));

    public static Decision Decide(Family family, Guid childId, RecordBirth command, Identity.Professional caller, DateTimeOffset now)
    {
        if (!family.ChildIds.Contains(childId))
        {
            return Refusals.NotFound("child");
        }
        if (Refusals.SocialWorkOnly(caller, "records a birth") is { } forbidden)
        {
            return forbidden;
        }
        if (!family.ExpectedChildren.ContainsKey(childId))
        {
            return Decision.Refuse(Hosting.Problems.Conflict("child-already-born", "This child's birth is on the record already."));
        }
        if (command.PersonId is not null && family.PersonIds.Contains(command.PersonId))
        {
            return Decision.Refuse(Hosting.Problems.Conflict("already-in-family", "This person is already in the family."));
        }
        var born = Members.Create(command.PersonId, command.Name!, command.BirthDate, relation: null);
        // A pre-birth notification is received before the birth: a birth dated before one naming the child is out of order.
        var birthDay = Calendar.FinnishCalendar.StartOfHelsinkiDay(born.BirthDate).AddDays(1);
        foreach (var notice in family.Concerns.Values.Where(c => c.Kind == Concerns.ConcernKind.PreBirthNotification && c.ChildIds.Contains(childId)))
        {
            if (Refusals.NotBefore("birthDate", birthDay, "concern-received", notice.Id, notice.ReceivedAt) is { } outOfOrder)
            {
                return outOfOrder;
            }
        }
        var birth = new ChildBorn(family.Id, childId, born.PersonId, born.Name, born.BirthDate, caller.AsActor(), now);
        return Decision.Ok(version => new BirthRecordedResponse(childId, version), birth);
    }
}

public sealed class RecordBirthValidator : AbstractValidator<RecordBirth>
{
    public RecordBirthValidator(TimeProvider clock)
    {
        RuleFor(c => c.Name).NotEmpty().PlainText(Rules.NameMax);
        RuleFor(c => c.PersonId).PersonalIdentityCode();
        RuleFor(c => c).Custom((c, ctx) => Person.CheckBirthDate(c.PersonId, c.BirthDate, clock, ctx));
    }
}
