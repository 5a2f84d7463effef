using Coordination.Access;
using Coordination.Consent;
using Coordination.Identity;

namespace Coordination.Tests.SystemicTeams;

public class DiscussionSharingTests
{
    private static readonly string[] Participants = ["sw-1", "cl-1"];

    [Fact]
    public void the_recording_agency_reads_its_own_discussion()
    {
        Assert.IsType<Disclosure.OwnRecord>(Sharing.DecideDiscussion(Agency.SocialWork, "sw-9", Agency.SocialWork, Participants, []));
    }

    [Fact]
    public void a_participant_of_another_agency_reads_what_they_heard_and_others_need_consent()
    {
        var shown = Assert.IsType<Disclosure.Shown>(Sharing.DecideDiscussion(Agency.FamilyWork, "cl-1", Agency.SocialWork, Participants, []));
        Assert.Equal("discussion-participant", shown.Basis);
        var withheld = Assert.IsType<Disclosure.Withheld>(Sharing.DecideDiscussion(Agency.FamilyWork, "fw-2", Agency.SocialWork, Participants, []));
        Assert.Equal("no-consent", withheld.Reason);
    }

    [Fact]
    public void a_consent_for_assessment_contributions_to_that_agency_lets_it_read()
    {
        var consentId = Guid.NewGuid();
        var consents = new[] { new ConsentInForce(consentId, [Agency.SchoolWelfare], [ConsentCategory.AssessmentContributions]) };
        var shown = Assert.IsType<Disclosure.Shown>(Sharing.DecideDiscussion(Agency.SchoolWelfare, "kur-1", Agency.SocialWork, Participants, consents));
        Assert.Equal($"consent:{consentId}", shown.Basis);
        Assert.IsType<Disclosure.Withheld>(Sharing.DecideDiscussion(Agency.FamilyWork, "fw-1", Agency.SocialWork, Participants, consents));
    }
}
