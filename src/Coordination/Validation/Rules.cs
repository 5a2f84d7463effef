using Coordination.Identity;
using FluentValidation;

namespace Coordination.Validation;

/// <summary>Field rules shared by the request validators.</summary>
public static class Rules
{
    public const int NameMax = 200;
    public const int ShortTextMax = 2_000;
    public const int NarrativeMax = 20_000;

    /// <summary>A valid personal identity code: check character, century sign, real date. The message never repeats the code.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> PersonalIdentityCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Custom((code, context) =>
        {
            if (code is null)
            {
                return;
            }
            var problem = Identity.PersonalIdentityCode.Validate(code, out _);
            if (problem != Identity.PersonalIdentityCode.Problem.None)
            {
                context.AddFailure(Identity.PersonalIdentityCode.Describe(problem));
            }
        });

    /// <summary>An id the request must carry: present, and not the empty id (which names nothing and no stream may have).</summary>
    public static IRuleBuilderOptions<T, Guid?> RequiredId<T>(this IRuleBuilder<T, Guid?> rule) =>
        rule.NotNull().NotEqual(Guid.Empty).WithMessage("Not an id.");

    public static IRuleBuilderOptions<T, string?> PlainText<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.MaximumLength(max).Must(NoControlCharacters).WithMessage("Control characters are not allowed.");

    public static bool NoControlCharacters(string? text) =>
        text is null || !text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t');
}
