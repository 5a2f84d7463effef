using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Consent;

public sealed record GiveConsent
{
    public Guid? GivenBy { get; init; }
    public IReadOnlyList<Agency>? Recipients { get; init; }
    public IReadOnlyList<ConsentCategory>? DataCategories { get; init; }
    public string? Purpose { get; init; }
    public DateOnly? ValidUntil { get; init; }
    /// <summary>When the consent was given; defaults to now.</summary>
    public DateTimeOffset? GivenAt { get; init; }
}

public sealed record ConsentGivenResponse(Guid ConsentId, long Version);

public static class GiveConsentEndpoint
{
    /// <summary>Children of this age and older may consent for themselves here; younger children through a guardian.</summary>
    public const int ChildConsentAge = 12;

    [WolverinePost("/api/families/{familyId}/consents", OperationId = "giveConsent")]
    [Tags("Consent")]
    [Creates]
    public static async Task<Written<ConsentGivenResponse>> Post(Guid familyId, GiveConsent command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, family => Decide(family, command, writes.Caller, writes.Now)));

    public static Decision Decide(Family family, GiveConsent command, Professional caller, DateTimeOffset now)
    {
        if (Refusals.CaseworkerOnly(caller, "records a consent") is { } forbidden)
        {
            return forbidden;
        }
        var givenAt = command.GivenAt ?? now;
        if (Refusals.NotACaseTime("givenAt", givenAt, now) is { } future)
        {
            return future;
        }
        var givenBy = command.GivenBy!.Value;
        if (!family.GuardianIds.Contains(givenBy))
        {
            if (!family.ChildBirthDates.TryGetValue(givenBy, out var birthDate))
            {
                return Decision.Refuse(Problems.Invalid("givenBy", "Consent is given by a guardian or a child of this family."));
            }
            var today = Calendar.FinnishCalendar.HelsinkiDate(givenAt);
            if (birthDate.AddYears(ChildConsentAge) > today)
            {
                return Decision.Refuse(Problems.Invalid("givenBy",
                    $"A child under {ChildConsentAge} does not consent here; a guardian does."));
            }
        }
        var given = new ConsentGiven(Guid.CreateVersion7(), givenBy, command.Recipients!.Distinct().ToList(),
            command.DataCategories!.Distinct().ToList(), command.Purpose!, command.ValidUntil, caller.AsActor(), givenAt);
        return Decision.Created(version => new ConsentGivenResponse(given.ConsentId, version), given);
    }
}

public sealed class GiveConsentValidator : AbstractValidator<GiveConsent>
{
    public GiveConsentValidator(TimeProvider clock)
    {
        RuleFor(x => x.GivenBy).NotNull();
        RuleFor(x => x.Recipients).NotEmpty().Must(r => r is null || r.Count <= 10).WithMessage("At most 10 recipients.");
        RuleForEach(x => x.Recipients)
            .Must(a => a is Agency.SocialWork or Agency.ChildPsychiatry or Agency.SchoolWelfare or Agency.FamilyWork)
            .WithMessage("Recipients are social-work, child-psychiatry, school-welfare or family-work.");
        RuleFor(x => x.DataCategories).NotEmpty().Must(c => c is null || c.Count <= 10).WithMessage("At most 10 data categories.");
        RuleFor(x => x.Purpose).NotEmpty().PlainText(Rules.ShortTextMax);
        RuleFor(x => x.ValidUntil)
            .Must(d => d >= Calendar.FinnishCalendar.HelsinkiDate(clock.GetUtcNow()))
            .When(x => x.ValidUntil is not null)
            .WithMessage("validUntil is in the past.");
    }
}
