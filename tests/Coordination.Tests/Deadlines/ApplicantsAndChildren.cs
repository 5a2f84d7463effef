using Coordination.Concerns;
using Coordination.Families;
using Coordination.Writing;
using Microsoft.AspNetCore.Http;
using static Coordination.Tests.Deadlines.Facts;

namespace Coordination.Tests.Deadlines;

/// <summary>
/// Which children a concern may name (ConcernRules.ChildrenFit) and who may apply (ConcernSource): a child applies from
/// the age of 12 (LsL 21 §), reached on the 12th birthday, on the Helsinki date of receipt.
/// </summary>
public class ApplicantsAndChildren
{
    // ---------------------------------------------------------------- OldEnoughToApply

    [Theory]
    // Born Sun 1 Jun 2014: 12 on Mon 1 Jun 2026.
    [InlineData("2014-06-01", "2026-06-01T10:00:00+03:00", true)]     // on the 12th birthday
    [InlineData("2014-06-01", "2026-06-01T00:00:00+03:00", true)]     // its first moment in Helsinki
    [InlineData("2014-06-01", "2026-05-31T21:00:00Z", true)]          // = 00:00 EEST on 1 Jun
    [InlineData("2014-06-01", "2026-05-31T23:59:59+03:00", false)]    // the day before
    [InlineData("2014-06-01", "2026-05-31T20:59:59Z", false)]         // = 23:59:59 EEST on 31 May
    [InlineData("2014-06-01", "2026-05-31T22:30:00-05:00", true)]     // = 06:30 EEST on 1 Jun
    [InlineData("2014-06-01", "2026-06-02T09:00:00+03:00", true)]
    [InlineData("2014-06-01", "2025-06-01T09:00:00+03:00", false)]    // 11 years old
    // Born on a leap day: 12 years later is again a leap year.
    [InlineData("2016-02-29", "2028-02-28T12:00:00+02:00", false)]
    [InlineData("2016-02-29", "2028-02-29T12:00:00+02:00", true)]
    [InlineData("2016-02-29", "2028-02-28T22:00:00Z", true)]          // = 00:00 EET on 29 Feb 2028
    [InlineData("2012-02-29", "2024-02-28T12:00:00+02:00", false)]
    [InlineData("2012-02-29", "2024-02-29T12:00:00+02:00", true)]
    // Born 29 Feb 2088: 2100 is no leap year; a period in years ends on the last day of the month, Sun 28 Feb 2100 (Act 150/1930 4 §).
    [InlineData("2088-02-29", "2100-02-27T12:00:00+02:00", false)]
    [InlineData("2088-02-29", "2100-02-28T12:00:00+02:00", true)]
    public void a_child_may_apply_from_the_12th_birthday_on_the_helsinki_date_of_receipt(string born, string receivedAt, bool old) =>
        Assert.Equal(old, ConcernSource.OldEnoughToApply(D(born), At(receivedAt)));

    [Theory]
    [InlineData(SourceAgency.Guardian, true)]
    [InlineData(SourceAgency.LegalRepresentative, true)]
    [InlineData(SourceAgency.Child, true)]
    [InlineData(SourceAgency.PrivatePerson, false)]
    [InlineData(SourceAgency.School, false)]
    [InlineData(SourceAgency.SocialWork, false)]
    [InlineData(SourceAgency.HealthCare, false)]
    [InlineData(SourceAgency.Police, false)]
    public void an_application_comes_from_a_guardian_a_legal_representative_or_the_child(SourceAgency agency, bool may) =>
        Assert.Equal(may, ConcernSource.MayApply(agency));

    [Fact]
    public void only_guardians_legal_representatives_and_the_child_may_apply_of_all_sources()
    {
        var mayApply = Enum.GetValues<SourceAgency>().Where(ConcernSource.MayApply).ToHashSet();
        Assert.Equal(new HashSet<SourceAgency> { SourceAgency.Guardian, SourceAgency.LegalRepresentative, SourceAgency.Child }, mayApply);
    }

    // ---------------------------------------------------------------- ChildrenFit

    private static readonly Guid Aino = Guid.NewGuid();     // born 1 Jun 2014
    private static readonly Guid Eetu = Guid.NewGuid();     // born 10 Mar 2019
    private static readonly Guid Odotettu = Guid.NewGuid(); // expected 15 Jan 2027

    private static Family Household()
    {
        var family = Family(At("2026-01-05T09:00:00+02:00"), Child(Aino, D("2014-06-01")), Child(Eetu, D("2019-03-10")));
        family.Apply(new ExpectedChildRecorded(family.Id, Odotettu, null, D("2027-01-15"), SocialWorker("sw-registrar"),
            At("2026-09-01T09:00:00+03:00")));
        return family;
    }

    private static Decision? Fit(Family family, ConcernKind kind, SourceAgency source, string receivedAt, params Guid[] children) =>
        ConcernRules.ChildrenFit(family, children, Content(kind, source, At(receivedAt), children));

    private static void AssertRefused(Decision? decision, string field)
    {
        var refused = Assert.IsType<Decision.Refused>(decision);
        Assert.Equal(StatusCodes.Status400BadRequest, refused.Problem.Status);
        var invalid = Assert.IsType<HttpValidationProblemDetails>(refused.Problem);
        Assert.Equal([field], invalid.Errors.Keys);
    }

    [Fact]
    public void a_notification_names_children_already_born()
    {
        Assert.Null(Fit(Household(), ConcernKind.ChildWelfareNotification, SourceAgency.School, "2026-10-21T10:00:00+03:00", Aino, Eetu));
        Assert.Null(Fit(Household(), ConcernKind.JointContact, SourceAgency.Guardian, "2026-10-21T10:00:00+03:00", Eetu));
    }

    [Fact]
    public void only_a_pre_birth_notification_names_an_expected_child()
    {
        var family = Household();
        Assert.Null(Fit(family, ConcernKind.PreBirthNotification, SourceAgency.HealthCare, "2026-10-21T10:00:00+03:00", Odotettu));
        AssertRefused(Fit(family, ConcernKind.ChildWelfareNotification, SourceAgency.HealthCare, "2026-10-21T10:00:00+03:00", Odotettu), "childIds");
        AssertRefused(Fit(family, ConcernKind.ChildWelfareNotification, SourceAgency.HealthCare, "2026-10-21T10:00:00+03:00", Aino, Odotettu), "childIds");
        AssertRefused(Fit(family, ConcernKind.Application, SourceAgency.Guardian, "2026-10-21T10:00:00+03:00", Odotettu), "childIds");
    }

    [Fact]
    public void a_pre_birth_notification_names_no_child_already_born()
    {
        var family = Household();
        AssertRefused(Fit(family, ConcernKind.PreBirthNotification, SourceAgency.HealthCare, "2026-10-21T10:00:00+03:00", Aino), "childIds");
        AssertRefused(Fit(family, ConcernKind.PreBirthNotification, SourceAgency.HealthCare, "2026-10-21T10:00:00+03:00", Odotettu, Eetu), "childIds");
    }

    [Fact]
    public void a_pre_birth_notification_received_before_the_birth_may_be_recorded_after_it()
    {
        var family = Household();
        family.Apply(new ChildBorn(family.Id, Odotettu, null, "Vauva", D("2027-01-10"), SocialWorker("sw-registrar"),
            At("2027-01-12T09:00:00+02:00")));

        Assert.Null(Fit(family, ConcernKind.PreBirthNotification, SourceAgency.HealthCare, "2027-01-05T10:00:00+02:00", Odotettu));
        // 21:30Z on 9 Jan is 23:30 EET, the day before the birth; 22:30Z is 00:30 EET on 10 Jan, the birth day itself, when
        // either kind may name the child (the birth is checked against a pre-birth notification by the same Helsinki date).
        Assert.Null(Fit(family, ConcernKind.PreBirthNotification, SourceAgency.HealthCare, "2027-01-09T21:30:00Z", Odotettu));
        Assert.Null(Fit(family, ConcernKind.PreBirthNotification, SourceAgency.HealthCare, "2027-01-09T22:30:00Z", Odotettu));
        Assert.Null(Fit(family, ConcernKind.ChildWelfareNotification, SourceAgency.HealthCare, "2027-01-09T22:30:00Z", Odotettu));
        AssertRefused(Fit(family, ConcernKind.PreBirthNotification, SourceAgency.HealthCare, "2027-01-10T22:30:00Z", Odotettu), "childIds");
        AssertRefused(Fit(family, ConcernKind.PreBirthNotification, SourceAgency.HealthCare, "2027-01-12T10:00:00+02:00", Odotettu), "childIds");
        Assert.Null(Fit(family, ConcernKind.ChildWelfareNotification, SourceAgency.HealthCare, "2027-01-12T10:00:00+02:00", Odotettu));
    }

    [Fact]
    public void a_notification_received_before_a_childs_birth_cannot_name_that_child_even_when_recorded_after_the_birth()
    {
        // ChildrenFit's own rule: "any other concern [names] only children already born" when it was received.
        var family = Household();
        family.Apply(new ChildBorn(family.Id, Odotettu, null, "Vauva", D("2027-01-10"), SocialWorker("sw-registrar"),
            At("2027-01-12T09:00:00+02:00")));

        AssertRefused(Fit(family, ConcernKind.ChildWelfareNotification, SourceAgency.HealthCare, "2027-01-05T10:00:00+02:00", Odotettu), "childIds");
    }

    [Fact]
    public void a_child_applies_for_themself_from_the_12th_birthday()
    {
        var family = Household();
        // Aino turns 12 on Mon 1 Jun 2026.
        Assert.Null(Fit(family, ConcernKind.Application, SourceAgency.Child, "2026-06-01T09:00:00+03:00", Aino));
        Assert.Null(Fit(family, ConcernKind.Application, SourceAgency.Child, "2026-05-31T22:30:00Z", Aino)); // 01:30 EEST on 1 Jun
        AssertRefused(Fit(family, ConcernKind.Application, SourceAgency.Child, "2026-05-31T20:30:00Z", Aino), "source.agency"); // 23:30 EEST on 31 May
        AssertRefused(Fit(family, ConcernKind.Application, SourceAgency.Child, "2026-05-31T09:00:00+03:00", Aino), "source.agency");
    }

    [Fact]
    public void a_childs_application_names_that_one_child()
    {
        var family = Household();
        AssertRefused(Fit(family, ConcernKind.Application, SourceAgency.Child, "2026-10-21T10:00:00+03:00", Aino, Eetu), "source.agency");
        AssertRefused(Fit(family, ConcernKind.Application, SourceAgency.Child, "2026-10-21T10:00:00+03:00", Eetu), "source.agency"); // 7 years old
        // A child the family does not hold is refused by the command before this rule (and here as not born on the day).
        AssertRefused(Fit(family, ConcernKind.Application, SourceAgency.Child, "2026-10-21T10:00:00+03:00", Guid.NewGuid()), "childIds");
    }

    [Fact]
    public void a_guardian_applies_for_a_child_of_any_age()
    {
        Assert.Null(Fit(Household(), ConcernKind.Application, SourceAgency.Guardian, "2026-10-21T10:00:00+03:00", Eetu, Aino));
        Assert.Null(Fit(Household(), ConcernKind.Application, SourceAgency.LegalRepresentative, "2026-10-21T10:00:00+03:00", Eetu));
    }

    [Fact]
    public void a_child_may_notify_about_themself_at_any_age()
    {
        Assert.Null(Fit(Household(), ConcernKind.ChildWelfareNotification, SourceAgency.Child, "2026-10-21T10:00:00+03:00", Eetu));
    }
}
