using System.Globalization;
using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Families;
using Coordination.Identity;
using Coordination.SystemicTeams;

namespace Coordination.Tests.Deadlines;

/// <summary>Builders for the facts of one family, as the write model receives them. No expected value comes from here.</summary>
internal static class Facts
{
    public const string Org = "county-pirkanmaa";

    public static DateOnly D(string iso) => DateOnly.Parse(iso, CultureInfo.InvariantCulture);

    /// <summary>An instant written with its offset (or Z), exactly as given.</summary>
    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    public static Actor SocialWorker(string id) => new(id, id, Agency.SocialWork, Org);

    public static Actor Kuraattori(string id) => new(id, id, Agency.SchoolWelfare, Org);

    public static Professional Caseworker(string id) => new(id, id, Org, Agency.SocialWork, new HashSet<Role> { Role.Caseworker });

    /// <summary>The deadline keys, written out as the contract spells them.</summary>
    public static string UrgencyKey(Guid concernId) => "urgency-assessment:" + concernId.ToString("N");

    public static string DecisionKey(Guid concernId) => "assessment-decision:" + concernId.ToString("N");

    public static string CompletionKey(Guid assessmentId) => "assessment-completion:" + assessmentId.ToString("N");

    public static FamilyMember Child(Guid id, DateOnly born) => new(id, null, "Lapsi", born, null);

    public static FamilyMember Guardian(Guid id) => new(id, null, "Huoltaja", new DateOnly(1985, 4, 2), "mother");

    /// <summary>A family registered on <paramref name="at"/> with the given children and one guardian.</summary>
    public static Family Family(DateTimeOffset at, params FamilyMember[] children) =>
        Families.Family.Create(new FamilyRegistered(Guid.NewGuid(), children, [Guardian(Guid.NewGuid())], "Tampere", ["fi"],
            SocialWorker("sw-registrar"), at));

    /// <summary>A family with one child born in 2014, registered long before any concern of these tests.</summary>
    public static Family Family(out Guid childId)
    {
        childId = Guid.NewGuid();
        return Family(At("2026-01-05T09:00:00+02:00"), Child(childId, D("2014-06-01")));
    }

    /// <summary>The fact of a school's notification received at <paramref name="receivedAt"/>, as the service builds it.</summary>
    public static ConcernRaised Notification(Guid concernId, Guid childId, DateTimeOffset receivedAt) =>
        RaiseConcernEndpoint.Raised(concernId, [childId], Content(ConcernKind.ChildWelfareNotification, SourceAgency.School, receivedAt),
            Kuraattori("kur-1"));

    public static RaiseConcern Content(ConcernKind kind, SourceAgency source, DateTimeOffset receivedAt, params Guid[] childIds) => new()
    {
        ChildIds = childIds,
        Kind = kind,
        ReceivedAt = receivedAt,
        Source = new SourceInput(source, "Hervannan koulu", "teacher", false),
        Description = "Poissaoloja ja väsymystä.",
    };

    public static UrgencyAssessed Urgency(Guid concernId, string by, DateTimeOffset at) =>
        new(concernId, Urgent: false, "Ei välitöntä vaaraa.", SocialWorker(by), at);

    public static ConcernDecided Decided(Guid concernId, string by, DateTimeOffset at, Guid? assessmentId = null) =>
        assessmentId is null
            ? new(concernId, ConcernDecision.NoAssessmentNeeded, "Tuki jo järjestetty.", at, null, SocialWorker(by), at)
            : new(concernId, ConcernDecision.StartAssessment, null, at, assessmentId, SocialWorker(by), at);

    /// <param name="completionDue">What the event itself carries; the ledger counts from the receipt instead.</param>
    public static AssessmentStarted Started(Guid assessmentId, Guid[] concernIds, Guid childId, DateOnly completionDue, string by,
        DateTimeOffset at) => new(assessmentId, concernIds, [childId], completionDue, SocialWorker(by), at);

    public static FamilyAllocatedToTeam Allocated(string responsibleId, DateTimeOffset at, Guid? previousTeam = null) =>
        new(Guid.NewGuid(), "Tiimi Hervanta", responsibleId, responsibleId, previousTeam, SocialWorker("co-1"), at);

    public static AssessmentConcluded Concluded(Guid assessmentId, string by, DateTimeOffset at, string? responsibleId) =>
        new(assessmentId, AssessmentOutcome.ChildProtectionClient, "Yhteenveto.", null, NamedWorkerNeeded: responsibleId is not null,
            responsibleId, SocialWorker(by), at);
}
