using Coordination.Identity;
using static Coordination.Identity.PersonalIdentityCode;

namespace Coordination.Tests.Identity;

public class PersonalIdentityCodeTests
{
    [Theory]
    [InlineData("010594Y9021", 1994, 5, 1)]
    [InlineData("020594X902N", 1994, 5, 2)]
    [InlineData("010516B902W", 2016, 5, 1)]
    [InlineData("020516C902J", 2016, 5, 2)]
    [InlineData("020504A902E", 2004, 5, 2)]
    [InlineData("100190-999P", 1990, 1, 10)]
    [InlineData("100190Y999P", 1990, 1, 10)]
    [InlineData("010101+002S", 1801, 1, 1)]
    [InlineData("290224A123F", 2024, 2, 29)]
    [InlineData("311299-2454", 1999, 12, 31)]
    [InlineData("150625F555V", 2025, 6, 15)]
    public void the_domain_guide_examples_and_other_real_codes_are_valid(string code, int year, int month, int day)
    {
        Assert.Equal(Problem.None, Validate(code, out var birthDate));
        Assert.Equal(new DateOnly(year, month, day), birthDate);
    }

    [Fact]
    public void codes_that_differ_only_by_century_sign_are_both_valid_and_never_equal()
    {
        Assert.True(IsValid("100190-999P"));
        Assert.True(IsValid("100190Y999P"));
        Assert.NotEqual("100190-999P", "100190Y999P");
        // Both encode the same date: nothing but the sign tells the two persons apart.
        Validate("100190-999P", out var a);
        Validate("100190Y999P", out var b);
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("010594Y9022")]  // last character off by one
    [InlineData("010516B902X")]
    [InlineData("100190-999Q")]
    [InlineData("010594Y902l")]  // lower case is not the check character
    public void a_wrong_check_character_is_refused(string code) =>
        Assert.Equal(Problem.WrongCheckCharacter, Validate(code, out _));

    [Theory]
    [InlineData("010516G902W")]
    [InlineData("010516Z902W")]
    [InlineData("010516b902W")]  // signs are upper case; never normalised
    [InlineData("010516*902W")]
    public void an_unknown_century_sign_is_refused(string code) =>
        Assert.Equal(Problem.UnknownCenturySign, Validate(code, out _));

    [Theory]
    [InlineData("290223A1237")]  // 2023 is no leap year
    [InlineData("310422A123F")]  // 31 April
    [InlineData("001020A123F")]  // day 0
    [InlineData("011320A123F")]  // month 13
    [InlineData("290200-1234")]  // 1900 was no leap year
    public void a_date_that_does_not_exist_is_refused(string code) =>
        Assert.Equal(Problem.ImpossibleDate, Validate(code, out _));

    [Fact]
    public void the_1900_and_2000_leap_year_rules_follow_the_century_sign()
    {
        // 29 Feb 2000 exists (divisible by 400), 29 Feb 1900 does not.
        var check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[290200123 % 31];
        Assert.Equal(Problem.None, Validate($"290200A123{check}", out var date));
        Assert.Equal(new DateOnly(2000, 2, 29), date);
        Assert.Equal(Problem.ImpossibleDate, Validate($"290200-123{check}", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("010594Y902")]
    [InlineData("010594Y90211")]
    public void a_code_of_the_wrong_length_is_refused(string? code) =>
        Assert.Equal(Problem.WrongLength, Validate(code, out _));

    [Theory]
    [InlineData("01O594Y9021")]
    [InlineData("010594Y9O21")]
    public void letters_in_the_digit_positions_are_refused(string code) =>
        Assert.Equal(Problem.NotDigits, Validate(code, out _));

    [Fact]
    public void individual_numbers_000_and_001_are_never_issued()
    {
        var check0 = "0123456789ABCDEFHJKLMNPRSTUVWXY"[10190000 % 31];
        var check1 = "0123456789ABCDEFHJKLMNPRSTUVWXY"[10190001 % 31];
        Assert.Equal(Problem.UnissuedIndividualNumber, Validate($"010190-000{check0}", out _));
        Assert.Equal(Problem.UnissuedIndividualNumber, Validate($"010190-001{check1}", out _));
    }

    [Fact]
    public void no_description_repeats_the_code()
    {
        foreach (var problem in Enum.GetValues<Problem>())
        {
            Assert.DoesNotContain("010594Y9021", Describe(problem), StringComparison.Ordinal);
        }
    }
}
