using Coordination.Families;
using Coordination.SchoolWelfare;
using Coordination.Writing;

namespace Coordination.Tests.Validation;

/// <summary>
/// The rules the hostile-values suite (issue 9) found missing, pinned where they live: each input below was a 500 or
/// was taken as data before.
/// </summary>
public sealed class HostileFieldRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_null_child_or_guardian_is_an_invalid_request_not_a_crash()
    {
        var validator = new RegisterFamilyValidator(TimeProvider.System);
        var result = validator.Validate(new RegisterFamily { Children = [null!], Guardians = [null!] });
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ErrorMessage == "A child is an object, not null.");
        Assert.Contains(result.Errors, e => e.ErrorMessage == "A guardian is an object, not null.");
    }

    [Fact]
    public void A_sender_without_a_secret_is_refused_by_the_validator()
    {
        var result = new RegisterSenderValidator().Validate(new RegisterSender("koulu-1", "Koulu", null));
        Assert.Contains(result.Errors, e => e.PropertyName == "Secret" && e.ErrorMessage == "A shared secret is required.");
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z", true)]
    [InlineData("1999-12-31T23:59:59Z", true)]
    [InlineData("2000-01-01T00:00:00Z", false)]
    [InlineData("2026-11-23T10:04:00Z", false)] // within the clock skew
    [InlineData("2026-11-23T10:06:00Z", true)]
    public void A_time_of_a_case_fact_is_neither_before_2000_nor_in_the_future(string time, bool refused)
    {
        var decision = Refusals.NotACaseTime("heardAt", DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), Now);
        Assert.Equal(refused, decision is Decision.Refused);
    }
}
