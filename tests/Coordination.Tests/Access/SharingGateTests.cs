using Coordination.Access;
using Coordination.Assessment;
using Coordination.Consent;
using Coordination.Identity;
using Coordination.SchoolWelfare;

namespace Coordination.Tests.Access;

/// <summary>
/// The sharing gate, row by row of docs/sharing.md §3, called directly. Every expected answer is written out from the
/// table: "own", a basis, or "withheld:&lt;reason&gt;".
/// </summary>
public class SharingGateTests
{
    private const string Org = "county-pirkanmaa";
    private static readonly Guid Older = Guid.Parse("00000000-0000-0000-0000-00000000a014"); // a child of 14
    private static readonly Guid Younger = Guid.Parse("00000000-0000-0000-0000-00000000b008"); // a child of 8
    private static readonly Guid Mother = Guid.Parse("00000000-0000-0000-0000-00000000c000");

    private static Professional Viewer(Agency agency, string id = "viewer-1") => new(id, id, Org, agency, new HashSet<Role> { Role.Caseworker });

    private static Professional Auditor => new("aud-1", "A", Org, Agency.Audit, new HashSet<Role> { Role.Auditor });

    private static string Say(Disclosure d) => d switch
    {
        Disclosure.OwnRecord => "own",
        Disclosure.Shown s => s.Basis,
        Disclosure.Withheld w => $"withheld:{w.Reason}",
        _ => throw new InvalidOperationException(),
    };

    private static ConsentInForce ByChild(Guid consentId, Guid child, Agency to, params ConsentCategory[] categories) =>
        new(consentId, child, ByGuardian: false, [to], categories);

    private static ConsentInForce ByGuardian(Guid consentId, Agency to, params ConsentCategory[] categories) =>
        new(consentId, Mother, ByGuardian: true, [to], categories);

    [Theory]
    // C1: own agency; C2: atl-64 to social work; C3: atl-53-5 from psychiatry to social work; C4: atl-56 to everyone; C6: otherwise.
    [InlineData(Agency.ChildPsychiatry, Agency.ChildPsychiatry, ContributionCategory.General, LegalBasis.OwnAgency, "own")]
    [InlineData(Agency.SocialWork, Agency.SchoolWelfare, ContributionCategory.General, LegalBasis.Atl64, "atl-64")]
    [InlineData(Agency.FamilyWork, Agency.SchoolWelfare, ContributionCategory.General, LegalBasis.Atl64, "withheld:no-consent")]
    [InlineData(Agency.SocialWork, Agency.ChildPsychiatry, ContributionCategory.General, LegalBasis.Atl53Section5, "atl-53-5")]
    [InlineData(Agency.SocialWork, Agency.FamilyWork, ContributionCategory.General, LegalBasis.Atl53Section5, "withheld:no-consent")]
    [InlineData(Agency.SchoolWelfare, Agency.ChildPsychiatry, ContributionCategory.General, LegalBasis.Atl56, "atl-56")]
    [InlineData(Agency.SocialWork, Agency.ChildPsychiatry, ContributionCategory.General, LegalBasis.OwnAgency, "withheld:no-consent")]
    [InlineData(Agency.SocialWork, Agency.ChildPsychiatry, ContributionCategory.General, LegalBasis.Consent, "withheld:no-consent")]
    // C7: psychiatric entries wait behind the confirmation gate; medication and risk does not.
    [InlineData(Agency.SocialWork, Agency.ChildPsychiatry, ContributionCategory.PsychiatricEntry, LegalBasis.Atl53Section5, "withheld:confirmation-required")]
    [InlineData(Agency.FamilyWork, Agency.ChildPsychiatry, ContributionCategory.PsychiatricEntry, LegalBasis.Atl56, "withheld:confirmation-required")]
    [InlineData(Agency.SocialWork, Agency.ChildPsychiatry, ContributionCategory.MedicationAndRisk, LegalBasis.Atl53Section5, "atl-53-5")]
    [InlineData(Agency.SocialWork, Agency.ChildPsychiatry, ContributionCategory.PsychiatricEntry, LegalBasis.OwnAgency, "withheld:no-consent")]
    public void A_contribution_follows_its_owner_category_and_basis(Agency viewer, Agency owner, ContributionCategory category, LegalBasis basis,
        string expected)
    {
        var datum = new Datum.Contribution(owner, [Older], category, basis, []);
        Assert.Equal(expected, Say(Sharing.Decide(Viewer(viewer), datum, [])));
    }

    [Fact]
    public void A_confirmed_psychiatric_entry_is_shown_to_the_one_who_confirmed_it_only()
    {
        var datum = new Datum.Contribution(Agency.ChildPsychiatry, [Older], ContributionCategory.PsychiatricEntry, LegalBasis.Atl53Section5, ["sw-1"]);
        Assert.Equal("atl-53-5", Say(Sharing.Decide(Viewer(Agency.SocialWork, "sw-1"), datum, [])));
        Assert.Equal("withheld:confirmation-required", Say(Sharing.Decide(Viewer(Agency.SocialWork, "sw-2"), datum, [])));
    }

    [Fact]
    public void A_childs_consent_covers_that_child_only_and_a_guardians_covers_every_child()
    {
        var c14 = Guid.Parse("00000000-0000-0000-0000-0000000c0014");
        var consents = new[] { ByChild(c14, Older, Agency.SchoolWelfare, ConsentCategory.PsychiatricEntries, ConsentCategory.AssessmentContributions) };
        var school = Viewer(Agency.SchoolWelfare, "kur-1");
        Datum Entry(params Guid[] about) => new Datum.Contribution(Agency.ChildPsychiatry, about, ContributionCategory.PsychiatricEntry,
            LegalBasis.Consent, ["kur-1"]);

        Assert.Equal("consent:00000000-0000-0000-0000-0000000c0014", Say(Sharing.Decide(school, Entry(Older), consents)));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(school, Entry(Younger), consents)));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(school, Entry(Older, Younger), consents)));

        var mother = Guid.Parse("00000000-0000-0000-0000-0000000c00aa");
        var both = consents.Append(ByGuardian(mother, Agency.SchoolWelfare, ConsentCategory.PsychiatricEntries)).ToArray();
        Assert.Equal("consent:00000000-0000-0000-0000-0000000c00aa", Say(Sharing.Decide(school, Entry(Younger), both)));
        // The child's own consent for the child, the guardian's for the sibling: both are the basis.
        Assert.Equal("consent:00000000-0000-0000-0000-0000000c0014,00000000-0000-0000-0000-0000000c00aa",
            Say(Sharing.Decide(school, Entry(Older, Younger), both)));
    }

    [Fact]
    public void A_consent_opens_only_its_recipient_and_its_category()
    {
        var consents = new[] { ByGuardian(Guid.Parse("00000000-0000-0000-0000-0000000c0001"), Agency.FamilyWork, ConsentCategory.AssessmentContributions) };
        Datum General = new Datum.Contribution(Agency.ChildPsychiatry, [Older], ContributionCategory.General, LegalBasis.Consent, []);
        Datum Medication = new Datum.Contribution(Agency.ChildPsychiatry, [Older], ContributionCategory.MedicationAndRisk, LegalBasis.Consent, []);

        Assert.Equal("consent:00000000-0000-0000-0000-0000000c0001", Say(Sharing.Decide(Viewer(Agency.FamilyWork), General, consents)));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.FamilyWork), Medication, consents)));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.SchoolWelfare), General, consents)));
    }

    [Fact]
    public void A_consent_carries_only_what_was_recorded_while_it_was_in_force()
    {
        var withdrawn = new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
        var consents = new[] { ByGuardian(Guid.Parse("00000000-0000-0000-0000-0000000c0006"), Agency.FamilyWork, ConsentCategory.AssessmentContributions) with { Until = withdrawn } };
        Datum Recorded(DateTimeOffset? at) => new Datum.Contribution(Agency.ChildPsychiatry, [Older], ContributionCategory.General, LegalBasis.Consent, [])
        {
            RecordedAt = at,
        };

        Assert.Equal("consent:00000000-0000-0000-0000-0000000c0006", Say(Sharing.Decide(Viewer(Agency.FamilyWork), Recorded(withdrawn.AddHours(-1)), consents)));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.FamilyWork), Recorded(withdrawn.AddHours(1)), consents)));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.FamilyWork), Datum.SocialWorkRecord([Older]) with { RecordedAt = withdrawn }, consents)));
    }

    [Theory]
    // F: social work's own record; another related agency by the relationship; an auditor on the audit routes.
    [InlineData(Agency.SocialWork, "own")]
    [InlineData(Agency.FamilyWork, "client-relationship")]
    [InlineData(Agency.ChildPsychiatry, "client-relationship")]
    public void The_family_record_is_shown_to_every_related_viewer(Agency viewer, string expected) =>
        Assert.Equal(expected, Say(Sharing.Decide(Viewer(viewer), new Datum.FamilyRecord(), [])));

    [Fact]
    public void Case_records_are_social_works_with_their_addressees()
    {
        var concern = Datum.SocialWorkRecord([Older]);
        Assert.Equal("own", Say(Sharing.Decide(Viewer(Agency.SocialWork), concern, [])));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.ChildPsychiatry), concern, [])));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.FamilyWork), concern, [])));

        // N2: the question is asked of the invited agency; another invited agency does not read it.
        var question = Datum.Invitation(Agency.ChildPsychiatry, [Older]);
        Assert.Equal("shl-41", Say(Sharing.Decide(Viewer(Agency.ChildPsychiatry), question, [])));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.SchoolWelfare), question, [])));

        // A hearing by an invited agency is that agency's, and social work's for its assessment.
        var hearing = Datum.Hearing(Agency.ChildPsychiatry, Older);
        Assert.Equal("own", Say(Sharing.Decide(Viewer(Agency.ChildPsychiatry), hearing, [])));
        Assert.Equal("atl-53-5", Say(Sharing.Decide(Viewer(Agency.SocialWork), hearing, [])));
        Assert.Equal("atl-64", Say(Sharing.Decide(Viewer(Agency.SocialWork), Datum.Hearing(Agency.SchoolWelfare, Older), [])));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.FamilyWork), hearing, [])));

        // N3: a consent covering the child opens a case record to its recipient.
        var consents = new[] { ByChild(Guid.Parse("00000000-0000-0000-0000-0000000c0002"), Older, Agency.FamilyWork, ConsentCategory.AssessmentContributions) };
        Assert.Equal("consent:00000000-0000-0000-0000-0000000c0002", Say(Sharing.Decide(Viewer(Agency.FamilyWork), concern, consents)));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.FamilyWork), Datum.SocialWorkRecord([Older, Younger]), consents)));
    }

    [Fact]
    public void A_discussion_is_its_agency_s_its_participants_and_under_a_consent_covering_every_child()
    {
        var discussion = new Datum.Discussion(Agency.SocialWork, [Older, Younger], ["sw-1", "cl-1"]);
        Assert.Equal("own", Say(Sharing.Decide(Viewer(Agency.SocialWork, "sw-9"), discussion, [])));
        Assert.Equal("discussion-participant", Say(Sharing.Decide(Viewer(Agency.FamilyWork, "cl-1"), discussion, [])));
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.FamilyWork, "fw-2"), discussion, [])));

        var childOnly = new[] { ByChild(Guid.Parse("00000000-0000-0000-0000-0000000c0003"), Older, Agency.SchoolWelfare, ConsentCategory.AssessmentContributions) };
        Assert.Equal("withheld:no-consent", Say(Sharing.Decide(Viewer(Agency.SchoolWelfare, "kur-1"), discussion, childOnly)));
        var guardian = new[] { ByGuardian(Guid.Parse("00000000-0000-0000-0000-0000000c0004"), Agency.SchoolWelfare, ConsentCategory.AssessmentContributions) };
        Assert.Equal("consent:00000000-0000-0000-0000-0000000c0004", Say(Sharing.Decide(Viewer(Agency.SchoolWelfare, "kur-1"), discussion, guardian)));
    }

    [Theory]
    [InlineData(Agency.SchoolWelfare, SchoolLegalBasis.Lsl25, "own")]
    [InlineData(Agency.SocialWork, SchoolLegalBasis.Lsl25, "lsl-25")]
    [InlineData(Agency.SocialWork, SchoolLegalBasis.Atl64, "atl-64")]
    [InlineData(Agency.SocialWork, SchoolLegalBasis.Consent, "school-consent")]
    [InlineData(Agency.ChildPsychiatry, SchoolLegalBasis.Atl56, "atl-56")]
    [InlineData(Agency.ChildPsychiatry, SchoolLegalBasis.Atl64, "withheld:no-consent")]
    [InlineData(Agency.FamilyWork, SchoolLegalBasis.Lsl25, "withheld:no-consent")]
    [InlineData(Agency.FamilyWork, SchoolLegalBasis.Consent, "withheld:no-consent")]
    public void A_school_report_reaches_each_agency_only_on_a_basis(Agency viewer, SchoolLegalBasis basis, string expected) =>
        Assert.Equal(expected, Say(Sharing.Decide(Viewer(viewer), new Datum.SchoolReport([Younger], basis), [])));

    [Fact]
    public void A_consent_in_force_here_for_the_pupil_opens_a_school_report_to_its_recipient()
    {
        var consents = new[] { ByChild(Guid.Parse("00000000-0000-0000-0000-0000000c0005"), Older, Agency.FamilyWork, ConsentCategory.AssessmentContributions) };
        Assert.Equal("consent:00000000-0000-0000-0000-0000000c0005",
            Say(Sharing.Decide(Viewer(Agency.FamilyWork), new Datum.SchoolReport([Older], SchoolLegalBasis.Lsl25), consents)));
        Assert.Equal("withheld:no-consent",
            Say(Sharing.Decide(Viewer(Agency.FamilyWork), new Datum.SchoolReport([Younger], SchoolLegalBasis.Lsl25), consents)));
    }

    [Fact]
    public void An_auditor_sees_every_datum_under_the_basis_audit()
    {
        Datum[] data =
        [
            new Datum.FamilyRecord(),
            new Datum.Contribution(Agency.ChildPsychiatry, [Older], ContributionCategory.PsychiatricEntry, LegalBasis.OwnAgency, []),
            Datum.SocialWorkRecord([Older]),
            new Datum.Discussion(Agency.SocialWork, [Older], []),
            new Datum.SchoolReport([Older], SchoolLegalBasis.Lsl25),
        ];
        Assert.All(data, d => Assert.Equal("audit", Say(Sharing.Decide(Auditor, d, []))));
    }

    [Fact]
    public void A_cut_logs_each_datum_shown_to_another_agency_once_and_nothing_withheld_or_own()
    {
        var cut = new SharingCut(Viewer(Agency.FamilyWork, "cl-1"), []);
        cut.Frame();
        cut.Frame();
        cut.Decide("contribution:own", new Datum.Contribution(Agency.FamilyWork, [Older], ContributionCategory.General, LegalBasis.OwnAgency, []));
        cut.Decide("contribution:withheld", new Datum.Contribution(Agency.ChildPsychiatry, [Older], ContributionCategory.General, LegalBasis.OwnAgency, []));
        cut.Decide("contribution:shown", new Datum.Contribution(Agency.ChildPsychiatry, [Older], ContributionCategory.General, LegalBasis.Atl56, []));

        Assert.Equal(["family-record client-relationship", "contribution:shown atl-56"], cut.Shared.Select(s => $"{s.Data} {s.Basis}"));
        Assert.Equal([Older], cut.Shared[1].Subjects);
    }
}

public class ConsentTimesTests
{
    [Fact]
    public void A_consent_ceases_at_its_withdrawal_or_after_its_last_day_and_until_further_notice_never()
    {
        var withdrawn = new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
        // The first moment of 2026-11-21 in Helsinki (EET, +02:00).
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 22, 0, 0, TimeSpan.Zero),
            Coordination.SituationalPicture.ConsentTimes.Ceasing(null, new DateOnly(2026, 11, 20)));
        Assert.Equal(withdrawn, Coordination.SituationalPicture.ConsentTimes.Ceasing(withdrawn, new DateOnly(2026, 11, 20)));
        Assert.Null(Coordination.SituationalPicture.ConsentTimes.Ceasing(null, DateOnly.MaxValue));
        Assert.Null(Coordination.SituationalPicture.ConsentTimes.Ceasing(null, null));
    }
}
