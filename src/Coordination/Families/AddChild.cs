using Coordination.Hosting;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Marten;
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
    [Creates]
    public static async Task<Written<ChildAddedResponse>> Post(Guid familyId, AddChild command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId,
            (session, family, ct) => family.Relationships.ResponsibleSocialWorkerId is { } worker
                ? SystemicTeams.ResponsibleWorkers.ChildrenHeldElsewhereAsync(session, writes.Caller.Organisation, worker, family.Id, ct)
                : Task.FromResult(0),
            (family, heldElsewhere) => Decide(family, command, heldElsewhere, writes.Caller, writes.Now)));

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
/// <param name="SeparateHousehold">Why this family holds the child although another family of the organisation does (contract 1.1, "Duplicates").</param>
public sealed record RecordBirth(string? PersonId, string? Name, DateOnly? BirthDate, SeparateHouseholdInput? SeparateHousehold = null);

public sealed record BirthRecordedResponse(Guid ChildId, long Version);

/// <summary>LsL 25 c §: the expected child of a pre-birth notification was born; the family record now holds the child as any other.</summary>
public static class RecordBirthEndpoint
{
    [WolverinePost("/api/families/{familyId}/children/{childId}/birth", OperationId = "recordBirth")]
    [Tags("Families")]
    public static async Task<Written<BirthRecordedResponse>> Post(Guid familyId, Guid childId, RecordBirth command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, (session, family, ct) => OtherFamiliesHoldingAsync(session, family, command.PersonId, ct),
            (family, others) => Decide(family, childId, command, others, writes.Caller, writes.Now)));

    /// <summary>How far before its expected date a child can be born (a birth at 22 weeks), and how long after.</summary>
    public const int BornEarlyDays = 140;
    public const int BornLateDays = 60;

    /// <summary>Other families of the organisation holding the code, read under the person's transaction lock (as a registration).</summary>
    private static async Task<IReadOnlyList<Guid>> OtherFamiliesHoldingAsync(Marten.IQuerySession session, Family family, string? personId,
        CancellationToken ct)
    {
        if (personId is null)
        {
            return [];
        }
        await TransactionLocks.TakeAsync(session, $"person:{session.TenantId}:{TransactionLocks.Fingerprint(personId)}", ct);
        return [.. (await session.FamiliesHoldingAsync(personId, ct)).Where(id => id != family.Id)];
    }

    public static Decision Decide(Family family, Guid childId, RecordBirth command, IReadOnlyList<Guid> otherFamilies,
        Identity.Professional caller, DateTimeOffset now)
    {
        if (!family.ChildIds.Contains(childId))
        {
            return Refusals.NotFound("child");
        }
        if (Refusals.SocialWorkOnly(caller, "records a birth") is { } forbidden)
        {
            return forbidden;
        }
        if (!family.ExpectedChildren.TryGetValue(childId, out var expected))
        {
            return Decision.Refuse(Hosting.Problems.Conflict("child-already-born", "This child's birth is on the record already."));
        }
        if (command.PersonId is not null && family.PersonIds.Contains(command.PersonId))
        {
            return Decision.Refuse(Hosting.Problems.Conflict("already-in-family", "This person is already in the family."));
        }
        if (Refusals.PossibleDuplicate(otherFamilies, command.SeparateHousehold,
                "Another family of the organisation already holds this identity code") is { } duplicate)
        {
            return duplicate;
        }
        var born = Members.Create(command.PersonId, command.Name!, command.BirthDate, relation: null);
        if (born.BirthDate < expected.AddDays(-BornEarlyDays) || born.BirthDate > expected.AddDays(BornLateDays))
        {
            return Decision.Refuse(Hosting.Problems.Invalid(command.BirthDate is null ? "personId" : "birthDate",
                $"The child was expected on {expected:yyyy-MM-dd}: a birth is between {BornEarlyDays} days before and {BornLateDays} days after it."));
        }
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
        return otherFamilies.Count > 0 && command.SeparateHousehold is { Reason: { } reason }
            ? Decision.Ok(version => new BirthRecordedResponse(childId, version), birth,
                new SeparateHouseholdRegistered(family.Id, otherFamilies, reason.Trim(), caller.AsActor(), now))
            : Decision.Ok(version => new BirthRecordedResponse(childId, version), birth);
    }
}

public sealed class RecordBirthValidator : AbstractValidator<RecordBirth>
{
    public RecordBirthValidator(TimeProvider clock)
    {
        RuleFor(x => x.SeparateHousehold!.Reason).NotEmpty().PlainText(Rules.ShortTextMax).When(x => x.SeparateHousehold is not null)
            .OverridePropertyName("separateHousehold.reason");
        RuleFor(c => c.Name).NotEmpty().PlainText(Rules.NameMax);
        RuleFor(c => c.PersonId).PersonalIdentityCode();
        RuleFor(c => c).Custom((c, ctx) => Person.CheckBirthDate(c.PersonId, c.BirthDate, clock, ctx));
    }
}
