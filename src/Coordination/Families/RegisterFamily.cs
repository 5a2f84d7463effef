using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Families;

[BodyExample(Examples.RegisterFamily)]
public sealed record RegisterFamily
{
    public IReadOnlyList<ChildInput>? Children { get; init; }
    public IReadOnlyList<GuardianInput>? Guardians { get; init; }
    public string? Municipality { get; init; }
    public IReadOnlyList<string>? Languages { get; init; }
    /// <summary>Why a separate family record is right although a family of the organisation holds one of these people.</summary>
    public SeparateHouseholdInput? SeparateHousehold { get; init; }
}

/// <param name="Reason">E.g. children of parents who live apart: each household has its own record.</param>
public sealed record SeparateHouseholdInput(string? Reason);

/// <summary>A child as a request names one: born (identity code or birth date), or expected (LsL 25 c §).</summary>
public interface IChildInput
{
    string? PersonId { get; }
    string? Name { get; }
    DateOnly? BirthDate { get; }
    DateOnly? ExpectedBirthDate { get; }
}

/// <param name="PersonId">Optional for people who have none; then <c>birthDate</c> is required.</param>
/// <param name="ExpectedBirthDate">For a child not yet born (a pre-birth notification, LsL 25 c §): no personId or birthDate, name optional.</param>
public sealed record ChildInput(string? PersonId, string? Name, DateOnly? BirthDate, DateOnly? ExpectedBirthDate = null) : IChildInput;

public sealed record GuardianInput(string? PersonId, string? Name, string? Relation, DateOnly? BirthDate = null);

public sealed record FamilyRegisteredResponse(Guid FamilyId, long Version, IReadOnlyList<Guid> ChildIds, IReadOnlyList<Guid> GuardianIds);

public static class RegisterFamilyEndpoint
{
    [WolverinePost("/api/families", OperationId = "registerFamily")]
    [Tags("Families")]
    [Creates]
    public static async Task<Written<FamilyRegisteredResponse>> Post(RegisterFamily command, FamilyWrites writes)
    {
        var familyId = Guid.CreateVersion7();
        return new(await writes.StartAsync(familyId, (session, ct) => ExistingFamiliesAsync(session, command, ct),
            existing => Decide(familyId, command, existing, writes.Caller, writes.Now)));
    }

    /// <summary>
    /// A social worker registers a family (the family record is social work's register); the registration gives them a
    /// relationship with it. Other agencies notify through the intake. A person another family of the organisation holds
    /// is a possible duplicate (contract 1.1), unless the registration says why a separate household is right.
    /// </summary>
    public static Decision Decide(Guid familyId, RegisterFamily command, IReadOnlyList<Guid> existingFamilyIds, Professional caller,
        DateTimeOffset now)
    {
        if (Refusals.SocialWorkOnly(caller, "registers a family; other professionals notify through POST /api/concerns") is { } forbidden)
        {
            return forbidden;
        }
        if (Refusals.PossibleDuplicate(existingFamilyIds, command.SeparateHousehold,
                "A family of the organisation already holds a child or guardian of this registration") is { } duplicate)
        {
            return duplicate;
        }
        // The born children are the registration's; each expected child is a fact of its own that follows it (LsL 25 c §).
        var childIds = new List<Guid>();
        var children = new List<FamilyMember>();
        var expected = new List<ExpectedChildRecorded>();
        foreach (var c in command.Children!)
        {
            if (c.ExpectedBirthDate is { } due)
            {
                expected.Add(new ExpectedChildRecorded(familyId, Guid.CreateVersion7(), Members.Trimmed(c.Name), due, caller.AsActor(), now));
                childIds.Add(expected[^1].ChildId);
            }
            else
            {
                children.Add(Members.Create(c.PersonId, c.Name!, c.BirthDate, null));
                childIds.Add(children[^1].MemberId);
            }
        }
        var guardians = (command.Guardians ?? []).Select(g => Members.Create(g.PersonId, g.Name!, g.BirthDate, g.Relation)).ToList();
        var registered = new FamilyRegistered(familyId, children, guardians, command.Municipality, command.Languages ?? [],
            caller.AsActor(), now);
        List<object> facts = [registered];
        if (existingFamilyIds.Count > 0 && command.SeparateHousehold is { Reason: { } reason })
        {
            facts.Add(new SeparateHouseholdRegistered(familyId, existingFamilyIds, reason.Trim(), caller.AsActor(), now));
        }
        facts.AddRange(expected);
        return Decision.Created(
            version => new FamilyRegisteredResponse(familyId, version, childIds, guardians.ConvertAll(g => g.MemberId)),
            [.. facts]);
    }

    /// <summary>
    /// The families of the organisation holding any person of the registration, read under a transaction lock on each
    /// person's code: two registrations of one child take turns, so the second sees the first.
    /// </summary>
    private static async Task<IReadOnlyList<Guid>> ExistingFamiliesAsync(Marten.IQuerySession session, RegisterFamily command,
        CancellationToken ct)
    {
        var codes = (command.Children ?? []).Select(c => c?.PersonId).Concat((command.Guardians ?? []).Select(g => g?.PersonId))
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var found = new SortedSet<Guid>();
        foreach (var code in codes)
        {
            await TransactionLocks.TakeAsync(session, $"person:{session.TenantId}:{TransactionLocks.Fingerprint(code)}", ct);
            found.UnionWith(await session.FamiliesHoldingAsync(code, ct));
        }
        return [.. found];
    }

}

public sealed class RegisterFamilyValidator : AbstractValidator<RegisterFamily>
{
    public RegisterFamilyValidator(TimeProvider clock)
    {
        RuleFor(x => x.Children).NotEmpty().WithMessage("A family has at least one child.");
        RuleFor(x => x.Children!.Count).LessThanOrEqualTo(20).When(x => x.Children is not null).OverridePropertyName("children");
        RuleForEach(x => x.Children).NotNull().WithMessage("A child is an object, not null.");
        RuleForEach(x => x.Children).SetValidator(new ChildInputValidator<ChildInput>(clock));
        RuleFor(x => x.Guardians!.Count).LessThanOrEqualTo(10).When(x => x.Guardians is not null).OverridePropertyName("guardians");
        RuleForEach(x => x.Guardians).NotNull().WithMessage("A guardian is an object, not null.");
        RuleForEach(x => x.Guardians).ChildRules(guardian =>
        {
            guardian.RuleFor(g => g.Name).NotEmpty().PlainText(Rules.NameMax);
            guardian.RuleFor(g => g.Relation).PlainText(100);
            guardian.RuleFor(g => g.PersonId).PersonalIdentityCode();
            guardian.RuleFor(g => g).Custom((g, ctx) => Person.CheckBirthDate(g.PersonId, g.BirthDate, clock, ctx));
        });
        RuleFor(x => x.Municipality).PlainText(Rules.NameMax);
        RuleFor(x => x.SeparateHousehold!.Reason).NotEmpty().PlainText(Rules.ShortTextMax).When(x => x.SeparateHousehold is not null)
            .OverridePropertyName("separateHousehold.reason");
        RuleFor(x => x.Languages).Must(l => l is null || l.Count <= 20).WithMessage("At most 20 languages.");
        RuleForEach(x => x.Languages).NotEmpty().Matches("^[a-z]{2,3}$").WithMessage("Languages are ISO 639 codes such as fi, sv, en.");
        RuleFor(x => x).Custom((family, ctx) =>
        {
            var codes = (family.Children ?? []).Select(c => c?.PersonId).Concat((family.Guardians ?? []).Select(g => g?.PersonId))
                .Where(c => c is not null).ToList();
            if (codes.Count != codes.Distinct(StringComparer.Ordinal).Count())
            {
                ctx.AddFailure("personId", "The same personal identity code appears twice in the family.");
            }
        });
    }
}

/// <summary>A child named by a request: born (name, and an identity code or birth date), or expected (LsL 25 c §).</summary>
public sealed class ChildInputValidator<T> : AbstractValidator<T> where T : IChildInput
{
    /// <summary>How far ahead a birth can be expected (a pregnancy's length), and how long an expected date may have passed unrecorded.</summary>
    public const int ExpectedWithinDays = 300;
    public const int ExpectedOverdueDays = 60;

    public ChildInputValidator(TimeProvider clock)
    {
        RuleFor(c => c.Name).NotEmpty().When(c => c.ExpectedBirthDate is null);
        RuleFor(c => c.Name).PlainText(Rules.NameMax);
        RuleFor(c => c.PersonId).PersonalIdentityCode();
        When(c => c.ExpectedBirthDate is null, () =>
            RuleFor(c => c).Custom((c, ctx) => Person.CheckBirthDate(c.PersonId, c.BirthDate, clock, ctx)));
        When(c => c.ExpectedBirthDate is not null, () =>
        {
            RuleFor(c => c.PersonId).Null().WithMessage("A child not yet born has no personal identity code: record it with the birth.");
            RuleFor(c => c.BirthDate).Null().WithMessage("Give expectedBirthDate or birthDate, not both: record the birth when it happens.");
            RuleFor(c => c.ExpectedBirthDate).Must(d => Today(clock).AddDays(-ExpectedOverdueDays) <= d && d <= Today(clock).AddDays(ExpectedWithinDays))
                .WithMessage($"An expected birth date is between {ExpectedOverdueDays} days ago and {ExpectedWithinDays} days ahead; a child born earlier is registered with its birthDate.");
        });
    }

    private static DateOnly Today(TimeProvider clock) => Calendar.FinnishCalendar.HelsinkiDate(clock.GetUtcNow());
}

public static class Members
{
    public static string? Trimmed(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    /// <summary>A validated person as the family record holds them; the date comes from the code when not given.</summary>
    public static FamilyMember Create(string? personId, string name, DateOnly? birthDate, string? relation)
    {
        var date = birthDate ?? (PersonalIdentityCode.Validate(personId, out var fromCode) == PersonalIdentityCode.Problem.None
            ? fromCode
            : throw new InvalidOperationException("A member reached the decision without a valid code or a birth date."));
        return new FamilyMember(Guid.CreateVersion7(), personId, name.Trim(), date, relation?.Trim());
    }
}

public static class Person
{
    public static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    /// <summary>A birth date is needed without a code, must agree with a code, and cannot be in the future.</summary>
    /// <summary>
    /// A birth date is needed without a code, must agree with a code, and cannot be in the future (the Helsinki date): given,
    /// or read from the code when not given.
    /// </summary>
    public static void CheckBirthDate<T>(string? personId, DateOnly? birthDate, TimeProvider clock, ValidationContext<T> ctx)
    {
        var today = Calendar.FinnishCalendar.HelsinkiDate(clock.GetUtcNow());
        DateOnly? fromCode = personId is not null && PersonalIdentityCode.Validate(personId, out var coded) == PersonalIdentityCode.Problem.None
            ? coded
            : null;
        if (personId is null)
        {
            if (birthDate is null)
            {
                ctx.AddFailure("birthDate", "Without a personal identity code the birth date is required.");
            }
        }
        else if (fromCode is { } code && birthDate is { } given && given != code)
        {
            ctx.AddFailure("birthDate", "The birth date does not agree with the personal identity code.");
        }
        var date = birthDate ?? fromCode;
        if (date > today)
        {
            ctx.AddFailure(birthDate is null ? "personId" : "birthDate",
                birthDate is null ? "The personal identity code's birth date is in the future." : "The birth date is in the future.");
        }
        else if (date < EarliestBirthDate)
        {
            ctx.AddFailure(birthDate is null ? "personId" : "birthDate", "The birth date is before 1900.");
        }
    }
}
