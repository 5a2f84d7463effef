using Coordination.Access;
using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Identity;

namespace Coordination.Tests.Access;

public class FamilyAccessTests
{
    private const string Org = "county-pirkanmaa";
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 9, 0, 0, TimeSpan.FromHours(2));

    /// <summary>A professional in a case-working role unless other roles are given.</summary>
    private static Professional Pro(string id, Agency agency, params Role[] roles) =>
        new(id, id, Org, agency, (roles.Length == 0 ? [Role.Caseworker] : roles).ToHashSet());

    private static Actor By(string id, Agency agency = Agency.SocialWork) => new(id, id, agency, Org);

    private static ConcernRaised Concern(Guid id, string by) => new(id, [Guid.NewGuid()], ConcernKind.ChildWelfareNotification, Now,
        new ConcernSource(SourceAgency.School, null, null, false), "x", SuspectedOffence.None, false, DateOnly.FromDateTime(Now.Date),
        DateOnly.FromDateTime(Now.Date), By(by, Agency.SchoolWelfare), Now);

    [Fact]
    public void a_named_professional_has_a_relationship_and_a_colleague_does_not()
    {
        var r = new Relationships();
        r.Record(new AgencyInvited(Guid.NewGuid(), Guid.NewGuid(), Agency.SchoolWelfare, "kur-1", "?", null, By("sw-1"), Now));

        Assert.True(FamilyAccess.HasRelationship(Pro("kur-1", Agency.SchoolWelfare), r));
        Assert.False(FamilyAccess.HasRelationship(Pro("kur-2", Agency.SchoolWelfare), r));
    }

    [Fact]
    public void raising_a_concern_gives_the_notifier_no_relationship()
    {
        var r = new Relationships();
        r.Record(Concern(Guid.NewGuid(), "kur-1"));

        Assert.Empty(r.ProfessionalIds);
        Assert.False(FamilyAccess.HasRelationship(Pro("kur-1", Agency.SchoolWelfare), r));
    }

    [Fact]
    public void a_social_worker_who_notified_as_social_work_is_not_the_intake_for_it_and_one_who_recorded_a_call_is()
    {
        ConcernRaised From(SourceAgency source, string by) => new(Guid.NewGuid(), [Guid.NewGuid()], ConcernKind.ChildWelfareNotification, Now,
            new ConcernSource(source, null, null, false), "x", SuspectedOffence.None, false, DateOnly.FromDateTime(Now.Date),
            DateOnly.FromDateTime(Now.Date), By(by, Agency.SocialWork), Now);
        var notified = new Relationships();
        notified.Record(From(SourceAgency.SocialWork, "sw-notifier"));
        Assert.False(FamilyAccess.HasRelationship(Pro("sw-notifier", Agency.SocialWork), notified));
        Assert.True(FamilyAccess.HasRelationship(Pro("sw-intake", Agency.SocialWork), notified));

        var call = new Relationships();
        call.Record(From(SourceAgency.Guardian, "sw-intake"));
        Assert.True(FamilyAccess.HasRelationship(Pro("sw-intake", Agency.SocialWork), call));
    }

    [Fact]
    public void a_coordinator_relates_through_a_team_only()
    {
        var r = new Relationships();
        r.Record(new AgencyInvited(Guid.NewGuid(), Guid.NewGuid(), Agency.ChildPsychiatry, null, "?", null, By("sw-1"), Now));
        Assert.False(FamilyAccess.HasRelationship(Pro("co-1", Agency.ChildPsychiatry, Role.Coordinator), r));
        Assert.True(FamilyAccess.HasRelationship(Pro("psy-1", Agency.ChildPsychiatry), r));

        var team = new Relationships { TeamId = Guid.NewGuid() };
        Assert.True(FamilyAccess.HasRelationship(Pro("co-1", Agency.SocialWork, Role.Coordinator), team, new HashSet<string> { "co-1" }));
    }

    [Fact]
    public void a_coordinator_or_admin_of_social_work_is_not_the_intake()
    {
        var r = new Relationships();
        r.Record(Concern(Guid.NewGuid(), "kur-1"));

        Assert.True(FamilyAccess.HasRelationship(Pro("sw-9", Agency.SocialWork, Role.Caseworker), r));
        Assert.False(FamilyAccess.HasRelationship(Pro("co-9", Agency.SocialWork, Role.Coordinator), r));
        Assert.False(FamilyAccess.HasRelationship(Pro("adm-9", Agency.SocialWork, Role.Admin), r));
        Assert.False(FamilyAccess.HasRelationship(new Professional("none-9", "N", Org, Agency.SocialWork, new HashSet<Role>()), r));
    }

    [Fact]
    public void social_work_intake_has_a_relationship_only_while_a_concern_awaits_its_decision()
    {
        var r = new Relationships();
        var concern = Guid.NewGuid();
        r.Record(Concern(concern, "kur-1"));
        var intake = Pro("sw-9", Agency.SocialWork);
        Assert.True(FamilyAccess.HasRelationship(intake, r));

        r.Record(new ConcernDecided(concern, ConcernDecision.NoAssessmentNeeded, "ok", null, null, By("sw-1"), Now));

        Assert.False(FamilyAccess.HasRelationship(intake, r));
        Assert.True(FamilyAccess.HasRelationship(Pro("sw-1", Agency.SocialWork), r));
    }

    [Fact]
    public void an_invitation_without_a_name_opens_the_family_to_the_whole_agency_and_with_a_name_to_that_person()
    {
        var r = new Relationships();
        r.Record(new AgencyInvited(Guid.NewGuid(), Guid.NewGuid(), Agency.ChildPsychiatry, null, "?", null, By("sw-1"), Now));
        r.Record(new AgencyInvited(Guid.NewGuid(), Guid.NewGuid(), Agency.FamilyWork, "fw-7", "?", null, By("sw-1"), Now));

        Assert.True(FamilyAccess.HasRelationship(Pro("psy-any", Agency.ChildPsychiatry), r));
        Assert.True(FamilyAccess.HasRelationship(Pro("fw-7", Agency.FamilyWork), r));
        Assert.False(FamilyAccess.HasRelationship(Pro("fw-8", Agency.FamilyWork), r));
    }

    [Fact]
    public void the_responsible_social_worker_named_at_the_conclusion_has_a_relationship()
    {
        var r = new Relationships();
        r.Record(new AssessmentConcluded(Guid.NewGuid(), AssessmentOutcome.ChildProtectionClient, "s", null, true, "sw-resp", By("sw-1"), Now));
        Assert.True(FamilyAccess.HasRelationship(Pro("sw-resp", Agency.SocialWork, Role.ResponsibleSocialWorker), r));
    }

    [Fact]
    public void the_service_recording_a_missed_deadline_gains_no_relationship()
    {
        var r = new Relationships();
        r.Record(new DeadlineMissed("k", DeadlineKind.AssessmentDecision, new DateOnly(2026, 11, 12), null, Actor.Service(Org), Now));

        Assert.Empty(r.ProfessionalIds);
        Assert.False(FamilyAccess.HasRelationship(Pro("coordination", Agency.SocialWork), r));
    }

    [Fact]
    public void auditors_and_integration_clients_have_no_relationship_even_when_named()
    {
        var r = new Relationships { ProfessionalIds = ["aud-1", "int-1"], InvitedAgencies = [Agency.Audit] };
        Assert.False(FamilyAccess.HasRelationship(Pro("aud-1", Agency.Audit, Role.Auditor), r));
        Assert.False(FamilyAccess.HasRelationship(Pro("int-1", Agency.Integration, Role.IntegrationClient), r));
    }
}

public class TeamRelationshipTests
{
    private const string Org = "county-pirkanmaa";
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 9, 0, 0, TimeSpan.FromHours(2));

    private static Professional Pro(string id, Agency agency = Agency.SocialWork) => new(id, id, Org, agency, new HashSet<Role> { Role.Caseworker });

    private static Relationships Allocated(Guid teamId, string responsible)
    {
        var r = new Relationships();
        r.Record(new Coordination.SystemicTeams.FamilyAllocatedToTeam(teamId, "Tiimi", responsible, responsible, null,
            new Actor("coordinator-1", "K", Agency.SocialWork, Org), Now));
        return r;
    }

    [Fact]
    public void a_current_member_of_the_family_s_team_has_a_relationship_and_a_former_one_does_not()
    {
        var r = Allocated(Guid.NewGuid(), "sw-1");

        Assert.True(FamilyAccess.HasRelationship(Pro("cl-1", Agency.FamilyWork), r, new HashSet<string> { "cl-1", "sw-1" }));
        Assert.False(FamilyAccess.HasRelationship(Pro("cl-1", Agency.FamilyWork), r, new HashSet<string> { "sw-1" }));
        Assert.False(FamilyAccess.HasRelationship(Pro("cl-1", Agency.FamilyWork), r));
    }

    [Fact]
    public void allocating_relates_the_team_and_the_named_worker_not_the_person_who_allocated()
    {
        var r = Allocated(Guid.NewGuid(), "sw-1");

        Assert.True(FamilyAccess.HasRelationship(Pro("sw-1"), r));
        Assert.False(FamilyAccess.HasRelationship(Pro("coordinator-1"), r));
    }

    [Fact]
    public void a_new_responsible_worker_replaces_the_old_one()
    {
        var team = Guid.NewGuid();
        var r = Allocated(team, "sw-1");
        r.Record(new Coordination.SystemicTeams.FamilyAllocatedToTeam(team, "Tiimi", "sw-2", "sw-2", team,
            new Actor("coordinator-1", "K", Agency.SocialWork, Org), Now));

        Assert.False(FamilyAccess.HasRelationship(Pro("sw-1"), r));
        Assert.True(FamilyAccess.HasRelationship(Pro("sw-2"), r));
    }

    [Fact]
    public void a_team_member_of_an_agency_without_client_relationships_has_none()
    {
        var r = Allocated(Guid.NewGuid(), "sw-1");
        Assert.False(FamilyAccess.HasRelationship(Pro("aud-1", Agency.Audit), r, new HashSet<string> { "aud-1" }));
    }
}
