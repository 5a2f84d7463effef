using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Coordination.Assessment;
using Coordination.Assessment.Concluding;
using Coordination.Assessment.Contributing;
using Coordination.Assessment.Hearing;
using Coordination.Assessment.Inviting;
using Coordination.Audit;
using Coordination.Concerns;
using Coordination.Consent;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SchoolWelfare;
using Coordination.SystemicTeams;
using Coordination.Writing;
using JasperFx.Events;
using Marten;

namespace Coordination.Benchmarks;

/// <summary>What the county data set holds, for the benchmark's reads.</summary>
public sealed record County(
    IReadOnlyList<CountyFamily> Families,
    IReadOnlyList<Professional> SocialWorkers,
    IReadOnlyList<CountyTeam> Teams,
    Professional Admin,
    long Facts,
    long AccessLogRows,
    TimeSpan Took,
    long DatabaseBytes,
    CountyFamily LongFamily,
    DateTimeOffset LongFamilyMiddle);

/// <summary>A family of the county: who registered it (its social worker), the children's identity codes, its events.</summary>
/// <param name="RunningAssessmentId">The assessment still running today, if any: commands add contributions to it.</param>
public sealed record CountyFamily(Guid FamilyId, string SocialWorkerId, IReadOnlyList<string> ChildCodes, IReadOnlyList<Guid> ChildIds, long Version,
    Guid? RunningAssessmentId);

/// <summary>A systemic team: its coordinator, a meeting of the coming week, the families it holds.</summary>
public sealed record CountyTeam(Guid TeamId, Professional Coordinator, Guid NextMeetingId, int Families);

/// <summary>
/// A county's five years of child-welfare work, built through the event store: every fact comes from the same decide
/// function a request would call (on the family's write model folded in memory by its own <c>Apply</c> methods), is sealed
/// into the stream's hash chain with <see cref="HashChain.Seal"/>, carries the moment it was recorded, and is appended with
/// the service's own store configuration, so the inline projections (snapshot, picture, texts, members, report, team
/// cases) are written by Marten as they would be by the service. Streams are appended whole, many per transaction: bulk
/// appending, not hand-written rows.
/// </summary>
public sealed class CountyDataSet
{
    public const string Org = Seeding.Org;
    private static readonly DateTimeOffset Today = new(DateOnly.FromDateTime(DateTime.UtcNow).ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero);

    private readonly Random _random = new(20261201);
    private readonly List<Professional> _socialWorkers = [];
    private readonly List<Professional> _psychiatry = [];
    private readonly List<Professional> _schoolWelfare = [];
    private readonly List<Professional> _familyWork = [];
    private readonly List<(Guid Id, Team Team, Professional Coordinator, List<Professional> Workers)> _teams = [];
    private readonly ConcurrentDictionary<string, int> _childrenHeld = new();
    private readonly HashSet<string> _codes = [];
    private readonly object _allocation = new();
    private Professional _admin = null!;
    private static readonly string[] Schools = Enumerable.Range(1, 60).Select(i => $"Koulu {i}").ToArray();

    public static async Task<County> BuildAsync(string connectionString, string schema, int families, TextWriter output)
    {
        var builder = new CountyDataSet();
        var stopwatch = Stopwatch.StartNew();
        using var store = DocumentStore.For(o => Storage.ConfigureMarten(o, connectionString, schema));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await new AccessLogSchema(store).StartAsync(CancellationToken.None);
        builder.People();
        await builder.TeamsAsync(store);
        var built = new CountyFamily[families];
        var facts = 0L;
        var done = 0;
        // Families in batches of 40 per transaction, two writers: the shape of a bulk import, not of a request.
        var batches = Enumerable.Range(0, (families + 39) / 40).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (b, ct) =>
        {
            await using var session = store.LightweightSession(Org);
            var count = 0L;
            for (var i = b * 40; i < Math.Min(families, (b + 1) * 40); i++)
            {
                var (family, events) = builder.Family(session, i, new Random(1_000_003 * (i + 1)));
                built[i] = family;
                count += events;
            }
            await session.SaveChangesAsync(ct);
            Interlocked.Add(ref facts, count);
            if (Interlocked.Add(ref done, 40) % 2000 == 0)
            {
                output.WriteLine($"  {Math.Min(done, families)} families, {Interlocked.Read(ref facts)} facts, {stopwatch.Elapsed.TotalSeconds:0} s");
            }
        });
        CountyFamily longFamily;
        DateTimeOffset middle;
        await using (var session = store.LightweightSession(Org))
        {
            (longFamily, middle) = builder.LongFamily(session, new Random(99));
            await session.SaveChangesAsync();
        }
        facts += longFamily.Version;
        var took = stopwatch.Elapsed;
        var size = await DatabaseSizeAsync(store);
        var teams = builder._teams.Select(t => new CountyTeam(t.Id, t.Coordinator, t.Team.Meetings.OrderBy(m => m.ScheduledFor)
                .First(m => m.ScheduledFor > Today).MeetingId,
            built.Count(f => f is not null && builder._allocated.TryGetValue(f.FamilyId, out var team) && team == t.Id))).ToList();
        return new County(built, builder._socialWorkers, teams, builder._admin, facts + builder._teamFacts, Interlocked.Read(ref builder._logRows), took, size,
            longFamily, middle);
    }

    private readonly ConcurrentDictionary<Guid, Guid> _allocated = new();
    private readonly Dictionary<Guid, int> _teamFamilies = [];
    private const int FamiliesPerTeam = 30;
    private long _teamFacts;
    private long _logRows;

    /// <summary>400 professionals of the four agencies, as the directory knows them once they have signed in.</summary>
    private void People()
    {
        Professional Make(string id, string name, Agency agency, params Role[] roles) => new(id, name, Org, agency, roles.ToHashSet());
        for (var i = 0; i < 200; i++)
        {
            _socialWorkers.Add(i < 40
                ? Make($"sw-{i:D3}", $"Sosiaalityöntekijä {i}", Agency.SocialWork, Role.Caseworker, Role.ConsultantSocialWorker, Role.ResponsibleSocialWorker)
                : Make($"sw-{i:D3}", $"Sosiaalityöntekijä {i}", Agency.SocialWork, Role.Caseworker, Role.ResponsibleSocialWorker));
        }
        for (var i = 0; i < 60; i++)
        {
            _psychiatry.Add(Make($"psy-{i:D3}", $"Lääkäri {i}", Agency.ChildPsychiatry, Role.Clinician, Role.Caseworker));
            _familyWork.Add(Make($"fw-{i:D3}", $"Perhetyöntekijä {i}", Agency.FamilyWork, Role.Caseworker));
        }
        for (var i = 0; i < 80; i++)
        {
            _schoolWelfare.Add(Make($"kur-{i:D3}", $"Kuraattori {i}", Agency.SchoolWelfare, Role.Caseworker));
        }
        _admin = Make("admin-001", "Pääkäyttäjä", Agency.SocialWork, Role.Admin);
    }

    /// <summary>40 teams (a consultant social worker, four social workers, a clinician), meeting every week for five years.</summary>
    private async Task TeamsAsync(DocumentStore store)
    {
        await using var session = store.LightweightSession(Org);
        foreach (var p in _socialWorkers.Concat(_psychiatry).Concat(_familyWork).Concat(_schoolWelfare).Append(_admin))
        {
            session.Store(new KnownProfessional { Id = p.Id, Name = p.Name, Agency = p.Agency, Roles = [.. p.Roles], LastSeenAt = Today });
        }
        var start = Today.AddYears(-5);
        for (var t = 0; t < 40; t++)
        {
            var consultant = _socialWorkers[t];
            var workers = Enumerable.Range(0, 4).Select(w => _socialWorkers[40 + t * 4 + w]).ToList();
            var teamId = Guid.CreateVersion7();
            var facts = new List<(object Fact, DateTimeOffset At)>();
            Team? team = null;
            void Take(Decision decision, DateTimeOffset at)
            {
                foreach (var fact in Accepted(decision))
                {
                    team = fact is TeamFormed formed ? Team.Create(formed) : Fold(team!, fact);
                    facts.Add((fact, at));
                }
            }
            var formedAt = start.AddDays(t);
            Take(FormTeamEndpoint.Decide(teamId, new FormTeam($"Tiimi {t + 1}"), consultant, formedAt), formedAt);
            var members = new List<(Professional Member, TeamRole Role)> { (consultant, TeamRole.ConsultantSocialWorker) };
            members.AddRange(workers.Select(w => (w, TeamRole.SocialWorker)));
            members.Add((_psychiatry[t], TeamRole.Clinician));
            foreach (var (member, role) in members)
            {
                Take(AddTeamMemberEndpoint.Decide(team!, new AddTeamMember(member.Id, member.Name, role), consultant, formedAt), formedAt);
            }
            for (var week = formedAt.AddDays(7); week < Today.AddDays(14); week = week.AddDays(7))
            {
                var scheduledAt = week.AddDays(-7);
                Take(ScheduleMeetingEndpoint.Decide(team!, new ScheduleMeeting(week), consultant, scheduledAt), scheduledAt);
            }
            var sealedEvents = HashChain.Seal(session, teamId, 0, HashChain.Genesis, facts.Select(f => f.Fact));
            for (var i = 0; i < sealedEvents.Count; i++)
            {
                sealedEvents[i].Timestamp = facts[i].At;
            }
            session.Events.StartStream<Team>(teamId, sealedEvents);
            _teamFacts += sealedEvents.Count;
            _teams.Add((teamId, team!, consultant, [consultant, .. workers]));
        }
        await session.SaveChangesAsync();
    }

    /// <summary>One family's five years: registration, then one to four matters, each as the law runs them.</summary>
    private (CountyFamily, int) Family(IDocumentSession session, int index, Random random)
    {
        var familyId = Guid.CreateVersion7();
        var worker = _socialWorkers[40 + index % 160];
        var history = new FamilyHistory(familyId);
        var registeredAt = Today.AddDays(-random.Next(30, 5 * 365));
        var childCount = random.NextDouble() switch { < 0.6 => 1, < 0.9 => 2, _ => 3 };
        var children = Enumerable.Range(0, childCount).Select(_ =>
        {
            var born = DateOnly.FromDateTime(registeredAt.UtcDateTime).AddDays(-random.Next(200, 16 * 365));
            return new ChildInput(Code(born, random), $"Lapsi {random.Next(1000)}", born);
        }).ToList();
        var guardianBorn = new DateOnly(1970 + random.Next(25), 1 + random.Next(12), 1 + random.Next(28));
        history.Take(RegisterFamilyEndpoint.Decide(familyId, new RegisterFamily
        {
            Children = children,
            Guardians = [new GuardianInput(Code(guardianBorn, random), "Huoltaja", "mother", guardianBorn)],
            Municipality = "Tampere", Languages = ["fi"],
        }, [], worker, registeredAt), registeredAt);

        var matters = random.NextDouble() switch { < 0.35 => 1, < 0.65 => 2, < 0.85 => 3, _ => 4 };
        var at = registeredAt;
        for (var m = 0; m < matters && at < Today.AddDays(-2); m++)
        {
            at = Matter(history, worker, at, random, familyId);
            at = at.AddDays(random.Next(30, 300));
        }
        SchoolReports(history, at: registeredAt, random);

        var events = HashChain.Seal(session, familyId, 0, HashChain.Genesis, history.Facts.Select(f => f.Fact));
        for (var i = 0; i < events.Count; i++)
        {
            events[i].Timestamp = history.Facts[i].RecordedAt;
        }
        session.Events.StartStream<Family>(familyId, events);
        Reads(session, history, worker, random);
        return (new CountyFamily(familyId, worker.Id, children.Select(c => c.PersonId!).ToList(), history.Family.ChildIds, events.Count,
            history.Family.RunningAssessment?.Id), events.Count);
    }

    /// <summary>A concern, its urgency and decision within the law's days, and an assessment with invitations, contributions, hearings and a conclusion.</summary>
    private DateTimeOffset Matter(FamilyHistory history, Professional worker, DateTimeOffset after, Random random, Guid familyId)
    {
        var family = history.Family;
        var receivedAt = after.AddHours(random.Next(1, 24 * 20));
        if (receivedAt > Today.AddHours(-30))
        {
            return receivedAt;
        }
        var source = random.NextDouble() switch
        {
            < 0.3 => SourceAgency.Police, < 0.5 => SourceAgency.School, < 0.65 => SourceAgency.HealthCare, < 0.8 => SourceAgency.SchoolWelfare,
            _ => SourceAgency.EarlyChildhoodEducation,
        };
        var childIds = family.ChildIds.ToList();
        var recordedAt = receivedAt.AddHours(random.Next(1, 20));
        var concern = history.Take(RaiseConcernEndpoint.Decide(family, new RaiseConcern
        {
            ChildIds = childIds, Kind = ConcernKind.ChildWelfareNotification, ReceivedAt = receivedAt,
            Source = new SourceInput(source, "Tampere", "teacher", false), Description = Seeding.Note(random, 300, 1500),
            SuspectedOffence = SuspectedOffence.None, PoliceReported = false,
        }, worker, recordedAt), recordedAt).OfType<ConcernRaised>().Single().ConcernId;

        var assessedAt = recordedAt.AddHours(random.Next(1, 30));
        history.Take(AssessUrgencyEndpoint.Decide(history.Family, concern, new AssessUrgency(random.Next(10) == 0, assessedAt,
            Seeding.Note(random, 200, 600)), worker, assessedAt), assessedAt);
        // Most decisions within the 7 working days, one in twenty late (its miss becomes a fact, as in a request).
        var decidedAt = assessedAt.AddDays(random.Next(20) == 0 ? random.Next(10, 20) : random.Next(0, 6)).AddHours(random.Next(8));
        if (decidedAt > Today)
        {
            return decidedAt;
        }
        var start = random.NextDouble() < 0.7;
        var decided = history.Take(DecideOnConcernEndpoint.Decide(history.Family, concern, new DecideOnConcern(
            start ? ConcernDecision.StartAssessment : ConcernDecision.NoAssessmentNeeded, decidedAt,
            start ? null : Seeding.Note(random, 100, 300), decidedAt), worker, decidedAt), decidedAt);
        if (decided.OfType<AssessmentStarted>().SingleOrDefault() is not { } started)
        {
            return decidedAt;
        }
        var assessmentId = started.AssessmentId;
        var next = decidedAt;
        var agencies = new[] { (Agency.ChildPsychiatry, _psychiatry), (Agency.SchoolWelfare, _schoolWelfare), (Agency.FamilyWork, _familyWork) }
            .Where(_ => random.NextDouble() < 0.8).ToList();
        var invited = new List<Professional>();
        foreach (var (agency, people) in agencies)
        {
            next = next.AddHours(random.Next(2, 48));
            var professional = people[random.Next(people.Count)];
            history.Take(InviteAgencyEndpoint.Decide(history.Family, assessmentId, new InviteAgency(agency, professional.Id,
                Seeding.Note(random, 100, 300), null), worker, next), next);
            invited.Add(professional);
        }
        if (random.NextDouble() < 0.5 && history.Family.GuardianIds.Count > 0)
        {
            next = next.AddHours(random.Next(2, 72));
            history.Take(GiveConsentEndpoint.Decide(history.Family, new GiveConsent
            {
                GivenBy = history.Family.GuardianIds[0], Recipients = [Agency.ChildPsychiatry, Agency.SchoolWelfare, Agency.FamilyWork],
                DataCategories = [ConsentCategory.AssessmentContributions], Purpose = "Palvelutarpeen arviointi", GivenAt = next,
            }, worker, next), next);
        }
        var contributions = random.Next(14, 40);
        for (var c = 0; c < contributions && next < Today.AddHours(-2); c++)
        {
            next = next.AddHours(random.Next(4, 96));
            if (next > Today)
            {
                break;
            }
            var by = invited.Count > 0 && random.Next(3) > 0 ? invited[random.Next(invited.Count)] : worker;
            var psychiatric = by.Agency == Agency.ChildPsychiatry;
            history.Take(RecordContributionEndpoint.Decide(history.Family, assessmentId, new RecordContribution
            {
                ChildIds = childIds, Summary = Seeding.Note(random, 300, 800), Observations = Seeding.Note(random, 700, 3200),
                Category = psychiatric ? ContributionCategory.PsychiatricEntry : ContributionCategory.General,
                LegalBasis = psychiatric ? LegalBasis.Atl53Section5 : by.Agency == Agency.SocialWork ? LegalBasis.OwnAgency : LegalBasis.Atl64,
                OccurredAt = next,
            }, by, next), next);
        }
        foreach (var child in childIds)
        {
            next = next.AddHours(random.Next(2, 48));
            if (next > Today)
            {
                return next;
            }
            history.Take(RecordChildHearingEndpoint.Decide(history.Family, assessmentId, new RecordChildHearing(child, next, HearingMethod.InPerson,
                Seeding.Note(random, 300, 900), null), worker, next), next);
        }
        // Concluded within the three months mostly; one in ten late. A concluded assessment of a child-protection client
        // names a responsible social worker of a team with room for the children (LsL 13 b §), and the team takes the family on.
        var concludedAt = Max(next.AddHours(2), receivedAt.AddDays(random.Next(10) == 0 ? random.Next(92, 130) : random.Next(30, 88)));
        if (concludedAt > Today)
        {
            return concludedAt;
        }
        var outcome = random.NextDouble() switch
        {
            < 0.35 => AssessmentOutcome.ChildProtectionClient, < 0.8 => AssessmentOutcome.SocialWelfareServices, _ => AssessmentOutcome.NoFurtherAction,
        };
        history.Take(ConcludeAssessmentEndpoint.Decide(history.Family, assessmentId, new ConcludeAssessment(outcome,
            Seeding.Note(random, 400, 1200), Seeding.Note(random, 100, 400), outcome == AssessmentOutcome.ChildProtectionClient, null, concludedAt),
            ResponsibleWorkers.Candidate.None, worker, concludedAt), concludedAt);
        if (outcome == AssessmentOutcome.ChildProtectionClient && history.Family.Relationships.TeamId is null)
        {
            Allocate(history, familyId, concludedAt.AddDays(random.Next(1, 10)), random);
        }
        return concludedAt;
    }

    /// <summary>A team with a social worker who can hold the children takes the family on; its systemic discussions follow, monthly.</summary>
    private void Allocate(FamilyHistory history, Guid familyId, DateTimeOffset at, Random random)
    {
        if (at > Today)
        {
            return;
        }
        var children = history.Family.ChildIds.Count;
        (Guid Id, Team Team, Professional Coordinator, List<Professional> Workers) team;
        Professional responsible;
        lock (_allocation)
        {
            var offset = random.Next(_teams.Count);
            // A systemic unit holds about thirty families (its workers' 30-children limit would allow more): the county's 40
            // units hold 1,200, the rest of the county's child-protection clients wait or are held elsewhere.
            var found = Enumerable.Range(0, _teams.Count).Select(i => _teams[(i + offset) % _teams.Count])
                .Where(t => _teamFamilies.GetValueOrDefault(t.Id) < FamiliesPerTeam)
                .SelectMany(t => t.Workers.Select(w => (Team: t, Worker: w)))
                .FirstOrDefault(c => _childrenHeld.GetValueOrDefault(c.Worker.Id) + children <= ResponsibleWorkers.ChildLimit);
            if (found.Worker is null)
            {
                return; // every responsible worker is full: the family waits, as families do
            }
            (team, responsible) = found;
            _childrenHeld.AddOrUpdate(responsible.Id, children, (_, held) => held + children);
            _teamFamilies[team.Id] = _teamFamilies.GetValueOrDefault(team.Id) + 1;
        }
        var coordinator = team.Coordinator;
        history.Take(AllocateFamilyEndpoint.Decide(history.Family, team.Id, new AllocateFamily(familyId, responsible.Id),
            new AllocationContext(team.Team, new ResponsibleWorkers.Candidate(responsible, 0)), coordinator, at), at);
        _allocated[familyId] = team.Id;
        Guid? hypothesis = null;
        for (var month = 1; month <= 12 && at.AddDays(30 * month) < Today; month++)
        {
            var heldAt = at.AddDays(30 * month);
            var recorded = history.Take(RecordSystemicDiscussionEndpoint.Decide(history.Family, team.Team, new RecordSystemicDiscussion
            {
                TeamId = team.Id, HeldAt = heldAt, ParticipantIds = team.Workers.Select(w => w.Id).ToList(),
                Reflections = Seeding.Note(random, 300, 1200),
                Hypotheses = [new HypothesisInput(hypothesis, Seeding.Note(random, 80, 300),
                    hypothesis is null ? HypothesisStatus.Proposed : HypothesisStatus.Supported, [new EvidenceInput(history.Family.Version)])],
                Actions = [new ActionInput(Seeding.Note(random, 40, 120), responsible.Id, DateOnly.FromDateTime(heldAt.UtcDateTime).AddDays(14))],
            }, coordinator, heldAt), heldAt);
            hypothesis = recorded.OfType<HypothesisRecorded>().First().HypothesisId;
        }
    }

    /// <summary>School-age children: absence alerts and welfare statuses from the school's student-welfare system, every two to ten weeks.</summary>
    private static void SchoolReports(FamilyHistory history, DateTimeOffset at, Random random)
    {
        foreach (var (childId, born) in history.Family.ChildBirthDates)
        {
            for (var sent = at.AddDays(random.Next(15, 75)); sent < Today; sent = sent.AddDays(random.Next(15, 75)))
            {
                var age = DateOnly.FromDateTime(sent.UtcDateTime).DayNumber - born.DayNumber;
                if (age is < 7 * 365 or > 16 * 365)
                {
                    continue;
                }
                var school = Schools[Math.Abs(childId.GetHashCode()) % Schools.Length];
                var senderId = $"school-{Array.IndexOf(Schools, school) + 1:D2}";
                var messageId = Guid.NewGuid().ToString("N");
                var absence = random.Next(3) > 0;
                var from = DateOnly.FromDateTime(sent.UtcDateTime).AddDays(-28);
                var message = new SchoolMessage(messageId, "1.0", absence ? SchoolMessageType.AbsenceAlert : SchoolMessageType.WelfareStatus, sent,
                    "Tampere", new Pupil(null, "Oppilas", born), new SchoolRef(senderId, school), SchoolLegalBasis.Atl64,
                    AbsenceAlert: absence ? new AbsenceAlertPayload(from, from.AddDays(27), random.Next(10, 60), random.Next(0, 20), Seeding.Note(random, 50, 200)) : null,
                    WelfareStatus: absence ? null : new WelfareStatusPayload(WelfareStatus.SupportContinues, SupportLevel.Intensified, Seeding.Note(random, 100, 400)));
                var receivedAt = sent.AddSeconds(2);
                var via = new ReceivedMessage(senderId, messageId, message.Type, message.LegalBasis, message.School, sent, receivedAt);
                var fact = SchoolMessagePlacement.Fact(message, via, childId, new Actor(senderId, school, Agency.Integration, Org));
                history.Take(Decision.Ok(_ => new object(), fact), receivedAt);
            }
        }
    }

    /// <summary>
    /// Five years of reading the record: its social worker's reads and other agencies' disclosures, written by the service's
    /// own access log (<see cref="AccessLog.Queue"/>, in the transaction that appends the family). The table stamps them now.
    /// </summary>
    private void Reads(IDocumentSession session, FamilyHistory history, Professional worker, Random random)
    {
        var familyId = history.Family.Id;
        var reads = random.Next(20, 60);
        for (var i = 0; i < reads; i++)
        {
            var entry = random.Next(4) > 0
                ? AccessLogEntry.Use(worker, familyId, "situational-picture", AccessPurpose.Default)
                : AccessLogEntry.Disclosed(_schoolWelfare[random.Next(_schoolWelfare.Count)], familyId, "situational-picture/frame", Agency.SocialWork,
                    "client-relationship", AccessPurpose.Default);
            AccessLog.Queue(session, Org, entry);
        }
        Interlocked.Add(ref _logRows, reads);
    }

    /// <summary>One family with a thousand facts: an assessment that has run for years, a contribution every day or two.</summary>
    private (CountyFamily, DateTimeOffset Middle) LongFamily(IDocumentSession session, Random random)
    {
        var familyId = Guid.CreateVersion7();
        var worker = _socialWorkers[40];
        var history = new FamilyHistory(familyId);
        var at = Today.AddDays(-1400);
        var born = DateOnly.FromDateTime(at.UtcDateTime).AddYears(-9);
        var child = new ChildInput(Code(born, random), "Pitkä", born);
        history.Take(RegisterFamilyEndpoint.Decide(familyId, new RegisterFamily
        {
            Children = [child], Guardians = [new GuardianInput(null, "Huoltaja", "father", new DateOnly(1980, 2, 2))], Municipality = "Tampere",
            Languages = ["fi"],
        }, [], worker, at), at);
        var concern = history.Take(RaiseConcernEndpoint.Decide(history.Family, new RaiseConcern
        {
            ChildIds = history.Family.ChildIds, Kind = ConcernKind.ChildWelfareNotification, ReceivedAt = at.AddHours(1),
            Source = new SourceInput(SourceAgency.School, "Tampere", "teacher", false), Description = Seeding.Note(random, 300, 1500),
            SuspectedOffence = SuspectedOffence.None, PoliceReported = false,
        }, worker, at.AddHours(2)), at.AddHours(2)).OfType<ConcernRaised>().Single().ConcernId;
        history.Take(AssessUrgencyEndpoint.Decide(history.Family, concern, new AssessUrgency(false, at.AddHours(3), "Ei kiireellinen."), worker,
            at.AddHours(3)), at.AddHours(3));
        var assessmentId = history.Take(DecideOnConcernEndpoint.Decide(history.Family, concern, new DecideOnConcern(ConcernDecision.StartAssessment,
            at.AddDays(1), null, at.AddDays(1)), worker, at.AddDays(1)), at.AddDays(1)).OfType<AssessmentStarted>().Single().AssessmentId;
        var next = at.AddDays(1);
        var middle = next;
        for (var i = 0; history.Facts.Count < 1000; i++)
        {
            next = next.AddHours(random.Next(20, 30));
            if (i == 480)
            {
                middle = next.AddMinutes(30);
            }
            history.Take(RecordContributionEndpoint.Decide(history.Family, assessmentId, new RecordContribution
            {
                ChildIds = history.Family.ChildIds, Summary = Seeding.Note(random, 300, 800), Observations = Seeding.Note(random, 1000, 3000),
                Category = ContributionCategory.General, LegalBasis = LegalBasis.OwnAgency, OccurredAt = next,
            }, worker, next), next);
        }
        var events = HashChain.Seal(session, familyId, 0, HashChain.Genesis, history.Facts.Select(f => f.Fact));
        for (var i = 0; i < events.Count; i++)
        {
            events[i].Timestamp = history.Facts[i].RecordedAt;
        }
        session.Events.StartStream<Family>(familyId, events);
        return (new CountyFamily(familyId, worker.Id, [child.PersonId!], history.Family.ChildIds, events.Count, assessmentId), middle);
    }

    /// <summary>A valid Finnish identity code for the birth date, unique in the county.</summary>
    private string Code(DateOnly born, Random random)
    {
        lock (_codes)
        {
            while (true)
            {
                var digits = born.Day * 10000 + born.Month * 100 + born.Year % 100;
                var individual = random.Next(2, 900);
                var code = $"{digits:D6}{(born.Year >= 2000 ? 'A' : '-')}{individual:D3}{PersonalIdentityCode.CheckCharacter(digits, individual)}";
                if (_codes.Add(code))
                {
                    return code;
                }
            }
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static IReadOnlyList<object> Accepted(Decision decision) => decision switch
    {
        Decision.Accepted a => a.Events,
        Decision.Refused r => throw new InvalidOperationException($"The county's history asked for a refused write: {r.Problem.Title}: {r.Problem.Detail} "
                                                                   + string.Join("; ", r.Problem.Extensions.Select(e => $"{e.Key}={System.Text.Json.JsonSerializer.Serialize(e.Value)}"))),
        _ => throw new UnreachableException(),
    };

    private static readonly ConcurrentDictionary<(Type, Type), MethodInfo?> Appliers = new();

    /// <summary>The aggregate's own <c>Apply</c> for the fact, as Marten calls it.</summary>
    private static T Fold<T>(T aggregate, object fact) where T : class
    {
        var apply = Appliers.GetOrAdd((typeof(T), fact.GetType()), k => k.Item1.GetMethod("Apply", [k.Item2]));
        apply?.Invoke(aggregate, [fact]);
        return aggregate;
    }

    /// <summary>A family's facts as they are decided, with the write model folded after each, as the stream would hold it.</summary>
    private sealed class FamilyHistory(Guid familyId)
    {
        private Family? _family;

        public Family Family => _family!;
        public List<(object Fact, DateTimeOffset RecordedAt)> Facts { get; } = [];

        public IReadOnlyList<object> Take(Decision decision, DateTimeOffset recordedAt)
        {
            var facts = Accepted(decision);
            if (_family is not null && facts.Count > 0)
            {
                // The write path records the misses a write makes known in the same transaction (StreamWrites).
                facts = [.. facts, .. Deadlines.DeadlineLedger.MissesMadeKnown(Family, facts, recordedAt, Org)];
            }
            foreach (var fact in facts)
            {
                _family = fact is FamilyRegistered registered ? Family.Create(registered) : Fold(_family!, fact);
                _family.Id = familyId;
                _family.Version++;
                Facts.Add((fact, recordedAt));
            }
            return facts;
        }
    }

    private static async Task<long> DatabaseSizeAsync(DocumentStore store)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select pg_database_size(current_database())";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
