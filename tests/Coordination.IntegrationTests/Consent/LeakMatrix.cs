using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Coordination.IntegrationTests.SystemicTeams;

namespace Coordination.IntegrationTests.Consent;

/// <summary>
/// Issue 15, "Nothing leaves by a side door": the independent oracle of docs/sharing.md. A unique marker is planted through the
/// API in every kind of client data (each agency's contributions of each category under each basis about each of two children,
/// concerns with their urgency reasoning and decision reasons, invitation questions, child hearings, the conclusion, school
/// reports, the systemic record, the audit trail of the sharing itself, the intake's and the school inbox's unmatched items);
/// then every route that answers client data is read as every kind of caller, while a 14-year-old's consent is in force, after
/// its withdrawal (with idempotent replays of confirmations), through history and through asOf/knownAt replays. Each marker must
/// appear exactly where the table says (<see cref="Matrix.Table"/>, written out by hand from docs/sharing.md, its rows named)
/// and nowhere else, and each appearance to an agency other than the datum's owner must have its disclosure-log entry (basis,
/// owner, subjects; a confirmation's with its justification), written by that very read. Withheld items must have exactly the
/// table's shape and reason. A GET route of the OpenAPI document that the matrix does not read fails it.
/// </summary>
public sealed partial class LeakMatrix(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private const string Confirmations = "POST /api/families/{familyId}/contributions/{contributionId}/confirmations";

    /// <summary>
    /// GET routes under /api that answer no client data (docs/sharing.md §4 gives them none). The matrix reads them anyway, as
    /// everyone, and no marker may appear in their answers.
    /// </summary>
    private static readonly string[] NoClientData =
    [
        "GET /api/teams",                               // the teams the caller may see: ids, names, no family
        "GET /api/teams/{teamId}",                      // a team's members and meetings: no family
        "GET /api/integrations/school-welfare/senders", // the county's sending school systems: ids and names
        "GET /api/reports/processing-times",            // THL's aggregate counts: numbers and dates, no family, no person
    ];

    [Fact(Timeout = 120000)]
    public async Task every_marker_shows_exactly_where_the_sharing_table_says_and_every_disclosure_is_logged()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var world = await World.PlantAsync(host);
        var matrix = new Matrix(world);
        await matrix.BaselineAsync();
        var f = $"/api/families/{world.FamilyId}";

        // §4: the notifier's receipt from the intake is the receipt only: no family, nothing of the record.
        matrix.CheckAnswer("notifier", "POST /api/concerns", "the intake's receipt", world.NotifierReceipt);

        // T0: every fact above happened before it. Then the 14-year-old consents, for themself only, to school welfare, social work
        // and family work (not child psychiatry).
        world.T0 = await Moment();
        var consent = await (await world.As(world.Sw).PostJson($"{f}/consents", new
        {
            givenBy = world.Children[Child.Older], recipients = new[] { "school-welfare", "social-work", "family-work" },
            dataCategories = new[] { "psychiatric-entries", "assessment-contributions" }, purpose = "service-need-assessment",
            validUntil = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(30)),
        })).Ok(HttpStatusCode.Created);
        world.ConsentId = Guid.Parse(consent["consentId"]!.GetValue<string>());

        // Confirmations (ATL 26 § 2): the ones the table allows, and refused ones, every kind of caller trying at least once.
        foreach (var attempt in matrix.Attempts)
        {
            await matrix.CheckAsync(matrix.Viewer(attempt.Viewer), matrix.Confirmation(attempt, State.InForce, attempt.Expected));
        }
        await matrix.ReadEverythingAsync(State.InForce, replays: false);

        // T1. The consent is withdrawn; a concern received just before T1 is recorded after it (for knownAt).
        world.T1 = await Moment();
        var reason = World.Marker("a.withdrawal.reason");
        await (await world.As(world.Sw).PostJson($"{f}/consents/{world.ConsentId}/withdrawal", new { reason })).Ok();
        world.Data.Add(new Datum(reason, Kind.Withdrawal, "family-record", "social-work", [Child.Older]) { Occurred = 2, Recorded = 2 });
        var k4 = World.Marker("n.k4.description");
        var raised = await (await world.As(world.Sw).PostJson($"{f}/concerns", new
        {
            childIds = new[] { world.Children[Child.Older] }, kind = "child-welfare-notification",
            receivedAt = world.T1.AddMilliseconds(-20).ToString("O", CultureInfo.InvariantCulture),
            source = new { agency = "school", organisation = "Hervannan koulu", reporterRole = "teacher", anonymous = false },
            description = k4, suspectedOffence = "none", policeReported = false,
        })).Ok(HttpStatusCode.Created);
        world.K4 = Guid.Parse(raised["concernId"]!.GetValue<string>());
        world.Data.Add(new Datum(k4, Kind.Concern, $"concern:{world.K4}", "social-work", [Child.Older]) { ConcernId = world.K4, Occurred = 1, Recorded = 2 });

        // Idempotent replays of the allowed confirmations: rendered again through the gate, refused where it no longer allows them.
        foreach (var attempt in matrix.Attempts.Where(a => a.Expected == HttpStatusCode.OK))
        {
            var still = matrix.Table(matrix.Viewer(attempt.Viewer), matrix.Contribution(attempt.Code), State.Withdrawn, confirmed: true).Shown;
            await matrix.CheckAsync(matrix.Viewer(attempt.Viewer),
                matrix.Confirmation(attempt, State.Withdrawn, still ? HttpStatusCode.OK : HttpStatusCode.Forbidden) with { Label = "idempotent replay" });
        }
        await matrix.ReadEverythingAsync(State.Withdrawn, replays: true);

        // Every GET route the service serves under /api, and the confirmations, is in the matrix or answers no client data.
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var served = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}"))
            .Where(r => r.StartsWith("GET /api/", StringComparison.Ordinal) || r == Confirmations)
            .ToHashSet(StringComparer.Ordinal);
        var unread = served.Except(matrix.RoutesRead).Order(StringComparer.Ordinal).ToList();
        Assert.True(unread.Count == 0, "Routes the leak matrix does not read (add them, or to NoClientData with why): " + string.Join(", ", unread));
        Assert.True(NoClientData.All(served.Contains), "NoClientData names a route the service does not serve.");
        Assert.Contains(Confirmations, matrix.RoutesRead);

        var figures = matrix.Figures(clock.Elapsed);
        SuiteFigures.LeakMatrixChecked(matrix.Cases, matrix.Leaks);
        TestContext.Current.SendDiagnosticMessage(figures);
        Assert.True(matrix.Findings.IsEmpty, figures + "\n" + matrix.Report());
    }

    private static async Task<DateTimeOffset> Moment()
    {
        await Task.Delay(100);
        var moment = DateTimeOffset.UtcNow;
        await Task.Delay(100);
        return moment;
    }

    private enum Seen { Forbidden, Required, Allowed }

    /// <summary>What a route's answer carries (docs/sharing.md §4), which decides where a datum may appear at all.</summary>
    private enum Carries { Picture, Replay, History, Hypotheses, Discussions, Concern, Intake, Deadlines, Worklist, TeamView, UnmatchedMessages, AccessLog, AccessReport, Confirmation, Nothing }

    /// <summary>
    /// The facts a read sees: those that had happened by stage <see cref="AsOf"/> and were recorded by stage <see cref="KnownAt"/>
    /// (0: before T0; 1: between T0 and T1, the consent and the confirmations; 2: after T1, the withdrawal and K4).
    /// </summary>
    private sealed record State(string Name, int AsOf, int KnownAt)
    {
        public static readonly State InForce = new("consent in force", 1, 1);
        public static readonly State Withdrawn = new("after the withdrawal", 2, 2);
        public static readonly State AtT0 = new("asOf=T0", 0, 2);
        public static readonly State AsOfT1 = new("asOf=T1", 1, 2);
        public static readonly State KnownAtT1 = new("knownAt=T1", 2, 1);

        public bool Includes(int occurred, int recorded) => occurred <= AsOf && recorded <= KnownAt;

        public bool Includes(Datum d) => Includes(d.Occurred, d.Recorded);

        /// <summary>§2: in force from when it was given (stage 1) until withdrawn (stage 2); a replay takes the consents of its moment.</summary>
        public bool ConsentInForce => Includes(1, 1) && !Includes(2, 2);

        /// <summary>The confirmations were made in stage 1.</summary>
        public bool ConfirmationsMade => Includes(1, 1);
    }

    /// <summary>A kind of caller the rules tell apart, and what relates it to the family (docs/sharing.md §1).</summary>
    private sealed record Viewer(string Name, Caller Who)
    {
        public bool Related { get; init; }
        public bool Responsible { get; init; }
        public bool OwnAuditor { get; init; }
        public bool TeamMember { get; init; }
        /// <summary>A social worker of the family's county (the intake and the school inbox are theirs).</summary>
        public bool CountySocialWorker { get; init; }
        public bool Admin { get; init; }
        public string Agency => Who.Agency;
        public bool InCounty => Who.Org == Orgs.Pirkanmaa;
    }

    private sealed record Read(string Route, string Label, Carries Carries, State State, Func<HttpClient, Task<HttpResponseMessage>> Send)
    {
        /// <summary>The concern a <c>GET /api/concerns/{id}</c> reads.</summary>
        public Guid? Concern { get; init; }
        /// <summary>The contribution a confirmation answers with, when the table allows it; null when it must be refused.</summary>
        public Guid? Confirms { get; init; }
        public string? Justification { get; init; }
        public HttpStatusCode? Status { get; init; }
        /// <summary>Further checks of the answer's structure: each string returned is a finding.</summary>
        public Func<Viewer, Read, string, IEnumerable<string>>? Structure { get; init; }
    }

    private sealed record Attempt(string Viewer, string Code, HttpStatusCode Expected, string Justification, string Key);

    /// <summary>The table's verdict on one datum for one viewer: shown or withheld, by which row, and the basis a disclosure names.</summary>
    private sealed record Outcome(bool Shown, string Row, string? Basis = null);

    /// <summary>
    /// One difference from the table: LEAK (shown where it must not be, or a withheld item showing more than its shape), MISSING
    /// (not shown where the table shows it), UNDISCLOSED (shown to another agency with no disclosure-log row), UNLOGGED (no use-log
    /// row), REASON (withheld for the wrong reason), STATUS (a confirmation answered otherwise than the table says).
    /// </summary>
    private sealed record Finding(string Kind, string Route, string Context, string Viewer, string What, string Detail);
}

public sealed partial class LeakMatrix
{
    /// <summary>Which child a datum is about.</summary>
    private enum Child { Older, Younger }

    private enum Kind
    {
        Frame, Contribution, Concern, Invitation, Hearing, Conclusion,
        Reflection, HypothesisCurrent, HypothesisPast, ActionOpen, ActionDone, SchoolReport,
        Confirmation, Withdrawal, RefusedConfirmation, UnmatchedNotification, UnmatchedMessage,
    }

    /// <summary>
    /// One planted marker and everything the table needs to judge it. <see cref="Occurred"/> and <see cref="Recorded"/> are
    /// the stage (0 before T0, 1 between T0 and T1, 2 after T1) its fact happened and was written in, for the replays.
    /// </summary>
    private sealed record Datum(string Marker, Kind Kind, string Key, string Owner, Child[] Subjects)
    {
        public string? Category { get; init; }
        public string? Basis { get; init; }
        /// <summary>Table N's "also shown to" column: the agency, and the basis it is shown under.</summary>
        public (string Agency, string Basis)? AlsoShownTo { get; init; }
        public Guid? ContributionId { get; init; }
        public Guid? ConcernId { get; init; }
        public string[] Participants { get; init; } = [];
        public int Occurred { get; init; }
        public int Recorded { get; init; }
        /// <summary>A marker a route must show when its datum is shown (false: it may, as part of what the route carries).</summary>
        public bool Essential { get; init; } = true;
    }

    private sealed class World
    {
        public required CoordinationHost Host { get; init; }
        public required TeamScenario Team { get; init; }
        public Caller Sw => Team.Worker;
        public Caller Clinician => Team.Clinician;
        public Caller Psychiatrist { get; } = Caller.Psychiatrist();
        public Caller Kuraattori { get; } = Caller.Kuraattori();
        public Caller FamilyWorker { get; } = Caller.FamilyWorker();
        public Caller Notifier { get; } = Caller.Kuraattori() with { Name = "Noora Ilmoittaja" };
        public Caller ForeignSw => Sw with { Org = Orgs.Uusimaa };
        public Caller Auditor { get; } = Caller.Auditor();
        public Caller ForeignAuditor { get; } = Caller.Auditor(Orgs.Uusimaa);
        public Caller Admin { get; } = SchoolSystem.Admin();
        public Caller Integration { get; } = new("int-leak", "Integraatio", Orgs.Pirkanmaa, "integration", "integration-client");
        /// <summary>Reads the access log to check the disclosures; never one of the callers read as.</summary>
        public Caller LogReader { get; } = Caller.Auditor() with { Name = "Lokin lukija" };

        public Guid FamilyId { get; set; }
        public Dictionary<Child, Guid> Children { get; } = [];
        public string OlderCode { get; set; } = "";
        public Guid AssessmentId { get; set; }
        public Guid MeetingId { get; set; }
        public Guid ConsentId { get; set; }
        public Guid K1 { get; set; }
        public Guid K2 { get; set; }
        public Guid K3 { get; set; }
        public Guid K4 { get; set; }
        public Guid UnmatchedNotification { get; set; }
        public required SchoolSystem School { get; init; }
        public List<string> MessageIds { get; } = [];
        public string UnmatchedMessageId { get; set; } = "";
        public List<Datum> Data { get; } = [];
        /// <summary>Contributions by "agency/category/basis/subjects".</summary>
        public Dictionary<string, Guid> Contributions { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset T0 { get; set; }
        public DateTimeOffset T1 { get; set; }

        public HttpClient As(Caller who) => Host.ClientFor(who);

        public static string Marker(string what) => $"LEAK-{what}-{Guid.NewGuid():N}";

        public static Child[] Of(string subjects) => subjects switch
        {
            "older" => [Child.Older],
            "younger" => [Child.Younger],
            _ => [Child.Older, Child.Younger],
        };

        public Guid[] Ids(Child[] children) => children.Select(c => Children[c]).ToArray();

        public static readonly string[] Agencies = ["social-work", "child-psychiatry", "school-welfare", "family-work"];
        public static readonly string[] Categories = ["general", "psychiatric-entry", "medication-and-risk"];
        public static readonly string[] Bases = ["atl-53-5", "atl-56", "atl-64", "consent", "own-agency"];
        public static readonly string[] SubjectSets = ["older", "younger", "both"];
        public static readonly string[] ReportTypes = ["expert-group-meeting", "absence-alert", "welfare-status"];
        public static readonly string[] SchoolBases = ["lsl-25", "atl-64", "atl-56", "consent"];

        public Caller Author(string agency) => agency switch
        {
            "social-work" => Sw,
            "child-psychiatry" => Psychiatrist,
            "school-welfare" => Kuraattori,
            _ => Clinician,
        };

        private static string Time(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

        public static async Task<World> PlantAsync(CoordinationHost host)
        {
            var team = await TeamScenario.FormedAsync(host);
            var world = new World { Host = host, Team = team, School = await SchoolSystem.RegisterAsync(host) };
            await world.PlantFamilyAsync();
            return world;
        }

        private async Task PlantFamilyAsync()
        {
            var sw = As(Sw);
            // Everyone the matrix reads as signs in once, so the service knows them (a conclusion names a known social worker).
            foreach (var who in new[] { Sw, Clinician, Psychiatrist, Kuraattori, FamilyWorker, Notifier, ForeignSw, Auditor, ForeignAuditor, Admin, Integration, LogReader })
            {
                await As(who).GetAsync("/api/teams");
            }

            // A family of a 14-year-old (who may consent for themself, 12+) and an 8-year-old; their names are the frame's markers.
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var older = today.AddYears(-14).AddMonths(-2);
            var younger = today.AddYears(-8).AddMonths(-2);
            OlderCode = TestPeople.Born(older.Year, older.Month, older.Day);
            var youngerCode = TestPeople.Born(younger.Year, younger.Month, younger.Day);
            var names = (Older: Marker("f.name.older"), Younger: Marker("f.name.younger"), Guardian: Marker("f.name.guardian"));
            var registered = await (await sw.PostJson("/api/families", new
            {
                children = new[]
                {
                    new { personId = OlderCode, name = $"Aino {names.Older}", birthDate = older.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
                    new
                    {
                        personId = youngerCode, name = $"Eino {names.Younger}",
                        birthDate = younger.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    },
                },
                guardians = new[] { new { personId = TestPeople.Born(1984, 3, 3), name = $"Maria {names.Guardian}", relation = "mother" } },
                municipality = "Tampere", languages = new[] { "fi" },
            })).Ok(HttpStatusCode.Created);
            FamilyId = Guid.Parse(registered["familyId"]!.GetValue<string>());
            Children[Child.Older] = Guid.Parse(registered["childIds"]![0]!.GetValue<string>());
            Children[Child.Younger] = Guid.Parse(registered["childIds"]![1]!.GetValue<string>());
            Data.Add(new Datum(names.Older, Kind.Frame, "family-record", "social-work", [Child.Older]));
            Data.Add(new Datum(names.Younger, Kind.Frame, "family-record", "social-work", [Child.Younger]));
            Data.Add(new Datum(names.Guardian, Kind.Frame, "family-record", "social-work", [Child.Older, Child.Younger]));
            await (await Team.Allocate(FamilyId, Sw.Id)).Ok();
            var f = $"/api/families/{FamilyId}";

            // K1: a notification through the intake about the 14-year-old, by a professional who does not work with the family.
            var k1 = Marker("n.k1.description");
            var receipt = await (await As(Notifier).PostJson("/api/concerns", new
            {
                child = new { personId = OlderCode, name = "Aino" }, kind = "child-welfare-notification", receivedAt = Time(DateTimeOffset.UtcNow),
                source = new { agency = "school-welfare", organisation = "Hervannan koulu", reporterRole = "kuraattori", anonymous = false },
                description = k1, suspectedOffence = "none", policeReported = false,
            })).Ok(HttpStatusCode.Accepted);
            NotifierReceipt = receipt.ToJsonString();
            K1 = Guid.Parse(receipt["concernId"]!.GetValue<string>());
            await Until(async () => (await (await sw.GetAsync($"/api/concerns/{K1}")).Ok())["familyId"] is not null, $"notification {K1} placed");
            Data.Add(Concern(k1, K1, [Child.Older]));

            // K2: the social worker's own concern about both children, from which the assessment starts.
            var k2 = (Description: Marker("n.k2.description"), Organisation: Marker("n.k2.organisation"));
            var raised = await (await sw.PostJson($"{f}/concerns", new
            {
                childIds = Ids([Child.Older, Child.Younger]), kind = "child-welfare-notification", receivedAt = Time(DateTimeOffset.UtcNow),
                source = new { agency = "health-care", organisation = k2.Organisation, reporterRole = "school nurse", anonymous = false },
                description = k2.Description, suspectedOffence = "none", policeReported = false,
            })).Ok(HttpStatusCode.Created);
            K2 = Guid.Parse(raised["concernId"]!.GetValue<string>());
            Data.Add(Concern(k2.Description, K2, [Child.Older, Child.Younger]));
            Data.Add(Concern(k2.Organisation, K2, [Child.Older, Child.Younger]));
            await AssessAndDecide(K2, [Child.Older, Child.Younger], "start-assessment");
            await AssessAndDecide(K1, [Child.Older], "start-assessment");

            // Invitations by name: only these professionals of their agencies are related to the family.
            foreach (var who in new[] { Psychiatrist, Kuraattori, Clinician })
            {
                var question = Marker($"n.question.{who.Agency}");
                var invitation = await (await sw.PostJson($"{f}/assessments/{AssessmentId}/invitations",
                    new { agency = who.Agency, professionalId = who.Id, question })).Ok(HttpStatusCode.Created);
                Data.Add(new Datum(question, Kind.Invitation, $"invitation:{invitation["invitationId"]!.GetValue<string>()}", "social-work",
                    [Child.Older, Child.Younger]) { AlsoShownTo = (who.Agency, "shl-41") });
            }

            // Every agency's contribution of every category under every basis, about each child and about both.
            foreach (var agency in Agencies)
            {
                var author = As(Author(agency));
                foreach (var category in Categories)
                {
                    foreach (var basis in Bases)
                    {
                        foreach (var subjects in SubjectSets)
                        {
                            var code = $"{agency}/{category}/{basis}/{subjects}";
                            var summary = Marker($"c.{code.Replace('/', '.')}.summary");
                            var observations = Marker($"c.{code.Replace('/', '.')}.observations");
                            var body = await (await author.PostJson($"{f}/assessments/{AssessmentId}/contributions", new
                            {
                                childIds = Ids(Of(subjects)), summary, observations, category, legalBasis = basis,
                            })).Ok(HttpStatusCode.Created);
                            var id = Guid.Parse(body["contributionId"]!.GetValue<string>());
                            Contributions[code] = id;
                            foreach (var marker in new[] { summary, observations })
                            {
                                Data.Add(new Datum(marker, Kind.Contribution, $"contribution:{id}", agency, Of(subjects))
                                    { Category = category, Basis = basis, ContributionId = id });
                            }
                        }
                    }
                }
            }

            // Child hearings: social work hears both; child psychiatry the older, school welfare and family work the younger.
            foreach (var (who, child, views) in new[]
                     {
                         (Sw, Child.Older, true), (Sw, Child.Younger, true), (Psychiatrist, Child.Older, true),
                         (Kuraattori, Child.Younger, true), (Clinician, Child.Younger, false),
                     })
            {
                var text = Marker($"n.hearing.{who.Agency}.{child}".ToLowerInvariant());
                var heard = await (await As(who).PostJson($"{f}/assessments/{AssessmentId}/child-hearings", new
                {
                    childId = Children[child], heardAt = Time(DateTimeOffset.UtcNow), method = views ? "in-person" : null,
                    views = views ? text : null, notHeardReason = views ? null : text,
                })).Ok(HttpStatusCode.Created);
                Data.Add(new Datum(text, Kind.Hearing, $"hearing:{heard["hearingId"]!.GetValue<string>()}", who.Agency, [child])
                {
                    AlsoShownTo = who.Agency == "social-work" ? null : ("social-work", who.Agency == "child-psychiatry" ? "atl-53-5" : "atl-64"),
                });
            }

            // School reports: every type under every basis, about each child; a welfare concern about the younger (K3).
            var pupils = new Dictionary<Child, string> { [Child.Older] = OlderCode, [Child.Younger] = youngerCode };
            var reports = new Dictionary<string, (string Marker, Child Pupil, string Basis)>(StringComparer.Ordinal);
            foreach (var type in ReportTypes)
            {
                foreach (var basis in SchoolBases)
                {
                    foreach (var pupil in new[] { Child.Older, Child.Younger })
                    {
                        var text = Marker($"s.{type}.{basis}.{pupil}".ToLowerInvariant());
                        var messageId = SchoolMessagesFor.NewId();
                        object payload = type switch
                        {
                            "expert-group-meeting" => new { heldOn = "2026-11-20", participantRoles = new[] { "kuraattori" }, summary = text },
                            "absence-alert" => new { from = "2026-10-01", to = "2026-11-20", absentHours = 96, unexplainedHours = 64, note = text },
                            _ => new { status = "support-started", supportLevel = "intensified", summary = text },
                        };
                        await School.AcceptedAsync(SchoolMessagesFor.Envelope(type, payload, pupils[pupil], messageId, basis));
                        MessageIds.Add(messageId);
                        reports[messageId] = (text, pupil, basis);
                    }
                }
            }
            var k3 = Marker("n.k3.description");
            var k3Message = SchoolMessagesFor.NewId();
            await School.AcceptedAsync(SchoolMessagesFor.Envelope("welfare-concern", new { description = k3, reporterRole = "kuraattori" },
                pupils[Child.Younger], k3Message));
            MessageIds.Add(k3Message);
            // A message about a pupil no family holds: it waits for social work, naming the pupil.
            var unmatchedPupil = Marker("u.message.pupil");
            UnmatchedMessageId = SchoolMessagesFor.NewId();
            var unmatched = (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(SchoolMessagesFor.Envelope("welfare-concern",
                new { description = Marker("u.message.description"), reporterRole = "kuraattori" }, TestPupil.New().PersonId, UnmatchedMessageId),
                HttpExtensions.Web))!;
            unmatched["pupil"]!["name"] = unmatchedPupil;
            await School.AcceptedAsync(unmatched);
            Data.Add(new Datum(unmatchedPupil, Kind.UnmatchedMessage, $"school-message:{School.SenderId}/{UnmatchedMessageId}", "school-welfare", []));
            Data.Add(new Datum(unmatched["payload"]!["description"]!.GetValue<string>(), Kind.UnmatchedMessage, $"school-message:{School.SenderId}/{UnmatchedMessageId}",
                "school-welfare", []) { Essential = false });
            foreach (var id in MessageIds)
            {
                Assert.Equal("processed", (await School.SettledAsync(id))["status"]!.GetValue<string>());
            }
            Assert.Equal("unmatched", (await School.SettledAsync(UnmatchedMessageId))["status"]!.GetValue<string>());

            // The school reports' ids, from the family's history as an auditor reads it (every datum in full).
            var history = await (await As(LogReader).GetAsync($"{f}/history?limit=1000")).Ok();
            foreach (var fact in history.AsArray())
            {
                var data = fact!["data"]!;
                var text = data["summary"]?.GetValue<string>() ?? data["note"]?.GetValue<string>() ?? data["description"]?.GetValue<string>();
                var message = (data["message"] ?? data["via"])?["messageId"]?.GetValue<string>();
                if (message is null || text is null)
                {
                    continue;
                }
                if (message == k3Message)
                {
                    K3 = Guid.Parse(data["concernId"]!.GetValue<string>());
                    Data.Add(Concern(k3, K3, [Child.Younger]));
                }
                else if (reports.TryGetValue(message, out var report))
                {
                    Assert.Equal(report.Marker, text);
                    Data.Add(new Datum(report.Marker, Kind.SchoolReport, $"school-report:{data["reportId"]!.GetValue<string>()}", "school-welfare",
                        [report.Pupil]) { Basis = report.Basis });
                }
            }
            Assert.NotEqual(Guid.Empty, K3);
            Assert.Equal(ReportTypes.Length * SchoolBases.Length * 2, Data.Count(d => d.Kind == Kind.SchoolReport));
            await AssessAndDecide(K3, [Child.Younger], "no-assessment-needed");

            // The conclusion: every child heard; the social worker named responsible.
            var conclusion = (Summary: Marker("n.conclusion.summary"), Opinion: Marker("n.conclusion.clientopinion"));
            await (await sw.PostJson($"{f}/assessments/{AssessmentId}/conclusion", new
            {
                outcome = "child-protection-client", summary = conclusion.Summary, clientOpinion = conclusion.Opinion, namedWorkerNeeded = true,
                responsibleSocialWorkerId = Sw.Id, concludedAt = Time(DateTimeOffset.UtcNow),
            })).Ok();
            foreach (var marker in new[] { conclusion.Summary, conclusion.Opinion })
            {
                Data.Add(new Datum(marker, Kind.Conclusion, $"conclusion:{AssessmentId}", "social-work", [Child.Older, Child.Younger]));
            }

            // The systemic record: a discussion the family-work clinician took part in, and one they did not.
            MeetingId = await Team.ScheduleMeeting(DateTimeOffset.UtcNow.AddDays(2));
            var d1 = (Reflections: Marker("d.d1.reflections"), Hypothesis: Marker("d.d1.hypothesis"), Action: Marker("d.d1.action"),
                Owner: Marker("d.d1.actionowner"));
            var first = await Team.Discuss(FamilyId, participants: [Team.Consultant.Id, Sw.Id, Clinician.Id], reflections: d1.Reflections,
                hypotheses: new[] { new { hypothesisId = (Guid?)null, text = d1.Hypothesis, status = "proposed", evidence = new[] { new { familyVersion = 1 } } } },
                actions: new[] { new { description = d1.Action, ownerId = d1.Owner, dueBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(7)) } });
            var firstId = first["discussionId"]!.GetValue<string>();
            var hypothesisId = Guid.Parse(first["hypotheses"]![0]!["hypothesisId"]!.GetValue<string>());
            var d2 = (Reflections: Marker("d.d2.reflections"), Revision: Marker("d.d2.revision"), Hypothesis: Marker("d.d2.hypothesis"),
                Action: Marker("d.d2.action"), Note: Marker("d.d2.completionnote"));
            var second = await Team.Discuss(FamilyId, participants: [Team.Consultant.Id, Sw.Id, Team.Coordinator.Id], reflections: d2.Reflections,
                hypotheses: new[]
                {
                    new { hypothesisId = (Guid?)hypothesisId, text = d2.Revision, status = "supported", evidence = new[] { new { familyVersion = 2 } } },
                    new { hypothesisId = (Guid?)null, text = d2.Hypothesis, status = "proposed", evidence = new[] { new { familyVersion = 3 } } },
                },
                actions: new[] { new { description = d2.Action, ownerId = Team.Coordinator.Id, dueBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(7)) } });
            var secondId = second["discussionId"]!.GetValue<string>();
            var secondAction = second["actionIds"]![0]!.GetValue<string>();
            await (await As(Team.Coordinator).PostJson($"{f}/actions/{secondAction}/completion", new { note = d2.Note })).Ok();
            string[] all = [Team.Consultant.Id, Sw.Id, Clinician.Id];
            string[] without = [Team.Consultant.Id, Sw.Id, Team.Coordinator.Id];
            Data.Add(Systemic(d1.Reflections, Kind.Reflection, $"discussion:{firstId}", all));
            Data.Add(Systemic(d1.Hypothesis, Kind.HypothesisPast, $"hypothesis:{hypothesisId}:1", all));
            Data.Add(Systemic(d1.Action, Kind.ActionOpen, $"action:{first["actionIds"]![0]!.GetValue<string>()}", all));
            Data.Add(Systemic(d1.Owner, Kind.ActionOpen, $"action:{first["actionIds"]![0]!.GetValue<string>()}", all));
            Data.Add(Systemic(d2.Reflections, Kind.Reflection, $"discussion:{secondId}", without));
            Data.Add(Systemic(d2.Revision, Kind.HypothesisCurrent, $"hypothesis:{hypothesisId}:2", without));
            Data.Add(Systemic(d2.Hypothesis, Kind.HypothesisCurrent,
                $"hypothesis:{second["hypotheses"]![1]!["hypothesisId"]!.GetValue<string>()}:1", without));
            Data.Add(Systemic(d2.Action, Kind.ActionDone, $"action:{secondAction}", without));
            Data.Add(Systemic(d2.Note, Kind.ActionDone, $"action:{secondAction}", without));

            // A notification about a child no family of the county holds: it waits in the intake, for social workers.
            var unmatchedChild = Marker("u.notification.child");
            var unmatchedDescription = Marker("u.notification.description");
            UnmatchedNotification = Guid.Parse((await (await As(Notifier).PostJson("/api/concerns", new
            {
                child = new { personId = TestPupil.New().PersonId, name = unmatchedChild }, kind = "child-welfare-notification",
                receivedAt = Time(DateTimeOffset.UtcNow),
                source = new { agency = "school-welfare", organisation = "Hervannan koulu", reporterRole = "kuraattori", anonymous = false },
                description = unmatchedDescription, suspectedOffence = "none", policeReported = false,
            })).Ok(HttpStatusCode.Accepted))["concernId"]!.GetValue<string>());
            await Until(async () => (await (await sw.GetAsync($"/api/concerns/{UnmatchedNotification}")).Ok())["status"]?.GetValue<string>() == "unmatched",
                $"notification {UnmatchedNotification} unmatched");
            Data.Add(new Datum(unmatchedChild, Kind.UnmatchedNotification, $"concern:{UnmatchedNotification}", "social-work", []));
            Data.Add(new Datum(unmatchedDescription, Kind.UnmatchedNotification, $"concern:{UnmatchedNotification}", "social-work", []));
        }

        public string NotifierReceipt { get; private set; } = "";

        private static Datum Concern(string marker, Guid concernId, Child[] subjects) =>
            new(marker, Kind.Concern, $"concern:{concernId}", "social-work", subjects) { ConcernId = concernId };

        /// <summary>A datum of the systemic record: social work's team recorded it, about every child, with its discussion's participants.</summary>
        private static Datum Systemic(string marker, Kind kind, string key, string[] participants) =>
            new(marker, kind, key, "social-work", [Child.Older, Child.Younger]) { Participants = participants };

        private async Task AssessAndDecide(Guid concernId, Child[] subjects, string decision)
        {
            var sw = As(Sw);
            var f = $"/api/families/{FamilyId}";
            var reasoning = Marker("n.urgency.reasoning");
            await (await sw.PostJson($"{f}/concerns/{concernId}/urgency",
                new { urgent = false, assessedAt = Time(DateTimeOffset.UtcNow), reasoning })).Ok();
            var reason = Marker("n.decision.reason");
            var decided = await sw.PostJson($"{f}/concerns/{concernId}/decision",
                new { decision, decidedAt = Time(DateTimeOffset.UtcNow), reason, childAndGuardianInformedAt = Time(DateTimeOffset.UtcNow) });
            var body = await decided.Ok(decided.StatusCode == HttpStatusCode.Created ? HttpStatusCode.Created : HttpStatusCode.OK);
            if (body["assessmentId"] is { } assessment)
            {
                AssessmentId = Guid.Parse(assessment.GetValue<string>());
            }
            Data.Add(Concern(reasoning, concernId, subjects));
            Data.Add(Concern(reason, concernId, subjects));
        }

        private static async Task Until(Func<Task<bool>> done, string what)
        {
            for (var i = 0; i < 400; i++)
            {
                if (await done())
                {
                    return;
                }
                await Task.Delay(50);
            }
            throw new TimeoutException(what);
        }
    }
}

public sealed partial class LeakMatrix
{
    /// <summary>The callers, the reads, the table, and the bookkeeping of what each read showed.</summary>
    private sealed partial class Matrix
    {
        private readonly World _w;
        private readonly HttpClient _log;
        private readonly Dictionary<string, HttpClient> _clients;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _lastLogId = new(StringComparer.Ordinal);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _routes = new(StringComparer.Ordinal);
        private readonly HashSet<(string Viewer, Guid Contribution)> _confirmed = [];
        private long _cases;
        private long _reads;

        public Matrix(World world)
        {
            _w = world;
            _log = world.As(world.LogReader);
            Viewers =
            [
                new("responsible-social-worker", world.Sw) { Related = true, Responsible = true, TeamMember = true, CountySocialWorker = true },
                new("team-member-family-work", world.Clinician) { Related = true, TeamMember = true },
                new("invited-psychiatrist", world.Psychiatrist) { Related = true },
                new("invited-kuraattori", world.Kuraattori) { Related = true },
                new("unrelated-family-worker", world.FamilyWorker),
                new("notifier", world.Notifier),
                new("same-worker-other-county", world.ForeignSw),
                new("auditor", world.Auditor) { OwnAuditor = true },
                new("auditor-other-county", world.ForeignAuditor),
                new("admin", world.Admin) { Admin = true },
                new("integration-client", world.Integration),
            ];
            _clients = Viewers.ToDictionary(v => v.Name, v => world.As(v.Who), StringComparer.Ordinal);

            const string bothChildren = "child-psychiatry/psychiatric-entry/atl-53-5/both";
            (string Viewer, string Code, HttpStatusCode Expected)[] plan =
            [
                ("responsible-social-worker", bothChildren, HttpStatusCode.OK),                                          // C3
                ("responsible-social-worker", "school-welfare/psychiatric-entry/own-agency/older", HttpStatusCode.OK), // C5
                ("invited-kuraattori", "child-psychiatry/psychiatric-entry/own-agency/older", HttpStatusCode.OK),      // C5
                ("team-member-family-work", "child-psychiatry/psychiatric-entry/atl-56/younger", HttpStatusCode.OK),   // C4
                ("invited-kuraattori", "child-psychiatry/psychiatric-entry/own-agency/both", HttpStatusCode.Forbidden), // C5 needs the sibling covered too
                ("team-member-family-work", "child-psychiatry/psychiatric-entry/atl-64/younger", HttpStatusCode.Forbidden), // C2 is social work's
                ("responsible-social-worker", "family-work/psychiatric-entry/consent/both", HttpStatusCode.Forbidden), // C6
                ("invited-psychiatrist", "social-work/psychiatric-entry/atl-56/younger", HttpStatusCode.Forbidden),   // §6: outside child psychiatry
                ("unrelated-family-worker", bothChildren, HttpStatusCode.NotFound),                                       // §1: no relationship
                ("notifier", bothChildren, HttpStatusCode.NotFound),
                ("same-worker-other-county", bothChildren, HttpStatusCode.NotFound),
                ("auditor", bothChildren, HttpStatusCode.NotFound),
                ("auditor-other-county", bothChildren, HttpStatusCode.NotFound),
                ("admin", bothChildren, HttpStatusCode.NotFound),
                ("integration-client", bothChildren, HttpStatusCode.NotFound),
            ];
            foreach (var (viewer, code, expected) in plan)
            {
                var justification = World.Marker($"a.confirmation.{viewer}");
                var attempt = new Attempt(viewer, code, expected, justification, $"leak-{Guid.NewGuid():N}");
                Attempts.Add(attempt);
                var entry = Contribution(code);
                world.Data.Add(new Datum(justification, expected == HttpStatusCode.OK ? Kind.Confirmation : Kind.RefusedConfirmation, "family-record",
                    "social-work", entry.Subjects) { Occurred = 1, Recorded = 1 });
                if (expected == HttpStatusCode.OK)
                {
                    _confirmed.Add((Viewer(viewer).Who.Id, entry.ContributionId!.Value));
                }
            }
        }

        public IReadOnlyList<Viewer> Viewers { get; }
        public List<Attempt> Attempts { get; } = [];
        public System.Collections.Concurrent.ConcurrentQueue<Finding> Findings { get; } = new();
        public IReadOnlySet<string> RoutesRead => _routes.Keys.ToHashSet(StringComparer.Ordinal);
        public long Cases => Interlocked.Read(ref _cases);
        public long Leaks => Findings.LongCount(f => f.Kind == "LEAK");

        public Viewer Viewer(string name) => Viewers.Single(v => v.Name == name);

        public Datum Contribution(string code) => _w.Data.First(d => d.Kind == Kind.Contribution && d.ContributionId == _w.Contributions[code]);

        /// <summary>Where each caller's rows of the access log start: only what a read writes counts for that read.</summary>
        public async Task BaselineAsync()
        {
            foreach (var viewer in Viewers.Where(v => v.InCounty))
            {
                await LogRowsAsync(viewer);
            }
        }

        public Read Confirmation(Attempt attempt, State state, HttpStatusCode expected)
        {
            var id = _w.Contributions[attempt.Code];
            var body = new { purpose = "service-need-assessment", justification = attempt.Justification };
            return new Read(Confirmations, "confirmation", Carries.Confirmation, state,
                c => c.PostJson($"/api/families/{_w.FamilyId}/contributions/{id}/confirmations", body, r => r.Headers.Add("Idempotency-Key", attempt.Key)))
            {
                Confirms = expected == HttpStatusCode.OK ? id : null, Justification = attempt.Justification, Status = expected,
            };
        }

        public async Task ReadEverythingAsync(State state, bool replays)
        {
            var reads = Reads(state, replays).ToList();
            await Task.WhenAll(Viewers.Select(async viewer =>
            {
                foreach (var read in reads)
                {
                    await CheckAsync(viewer, read);
                }
            }));
        }

        private static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture));

        /// <summary>Every route that answers client data, and those that answer none (<see cref="NoClientData"/>).</summary>
        private IEnumerable<Read> Reads(State state, bool replays)
        {
            var f = $"/api/families/{_w.FamilyId}";
            var t = $"/api/teams/{_w.Team.TeamId}";
            const string messages = "/api/integrations/school-welfare/messages";
            yield return Get("GET /api/families/{familyId}/picture", "today", Carries.Picture, state, $"{f}/picture") with { Structure = Shapes };
            if (replays)
            {
                foreach (var (moment, query) in new[] { (State.AtT0, $"asOf={Q(_w.T0)}"), (State.AsOfT1, $"asOf={Q(_w.T1)}"), (State.KnownAtT1, $"knownAt={Q(_w.T1)}") })
                {
                    yield return Get("GET /api/families/{familyId}/picture", "replay", Carries.Replay, moment, $"{f}/picture?{query}") with { Structure = Shapes };
                }
            }
            yield return Get("GET /api/families/{familyId}/history", "history", Carries.History, state, $"{f}/history?limit=1000");
            yield return Get("GET /api/families/{familyId}/integrity", "integrity", Carries.Nothing, state, $"{f}/integrity");
            yield return Get("GET /api/families/{familyId}/hypotheses", "hypotheses", Carries.Hypotheses, state, $"{f}/hypotheses") with { Structure = Shapes };
            yield return Get("GET /api/families/{familyId}/systemic-discussions", "discussions", Carries.Discussions, state, $"{f}/systemic-discussions")
                with { Structure = Shapes };
            var concerns = new List<(string, Guid)> { ("K1 intake", _w.K1), ("K2", _w.K2), ("K3 school", _w.K3), ("unmatched notification", _w.UnmatchedNotification) };
            if (state.KnownAt >= 2)
            {
                concerns.Add(("K4", _w.K4));
            }
            foreach (var (name, concern) in concerns)
            {
                yield return Get("GET /api/concerns/{concernId}", name, Carries.Concern, state, $"/api/concerns/{concern}") with { Concern = concern };
            }
            yield return Get("GET /api/intake", "unmatched", Carries.Intake, state, "/api/intake?status=unmatched");
            yield return Get("GET /api/deadlines", "deadlines", Carries.Deadlines, state, "/api/deadlines");
            yield return Get("GET /api/reminders", "reminders", Carries.Deadlines, state, "/api/reminders"); // §4: as the deadlines
            yield return Get("GET /api/families", "mine", Carries.Deadlines, state, "/api/families?limit=200"); // §4: the frame of each
            yield return Get("GET /api/worklist", "mine", Carries.Worklist, state, "/api/worklist?limit=200");
            yield return Get("GET /api/teams/{teamId}/caseload", "caseload", Carries.TeamView, state, $"{t}/caseload");
            yield return Get("GET /api/teams/{teamId}/workload", "workload", Carries.TeamView, state, $"{t}/workload");
            yield return Get("GET /api/teams/{teamId}/meetings/{meetingId}/agenda", "agenda", Carries.TeamView, state, $"{t}/meetings/{_w.MeetingId}/agenda");
            yield return Get("GET /api/integrations/school-welfare/messages", "unmatched", Carries.UnmatchedMessages, state, $"{messages}?status=unmatched");
            foreach (var (name, message) in new[] { ("a report", _w.MessageIds[0]), ("the welfare concern", _w.MessageIds[^1]), ("unmatched", _w.UnmatchedMessageId) })
            {
                yield return Get("GET /api/integrations/school-welfare/messages/{messageId}", name, Carries.Nothing, state,
                    $"{messages}/{message}?senderId={_w.School.SenderId}");
            }
            yield return Get("GET /api/audit/access-log", "family", Carries.AccessLog, state, $"/api/audit/access-log?familyId={_w.FamilyId}&limit=1000");
            yield return new Read("POST /api/audit/access-reports", "the 14-year-old", Carries.AccessReport, state,
                c => EveryPageOfTheReport(c, _w.OlderCode)) { Structure = OnlyTheirRows };
            yield return new Read("POST /api/families/search", "the 14-year-old", Carries.Nothing, state,
                c => c.PostJson("/api/families/search", new { personId = _w.OlderCode }));
            yield return Get("GET /api/teams", "mine", Carries.Nothing, state, "/api/teams");
            yield return Get("GET /api/teams/{teamId}", "team", Carries.Nothing, state, t);
            yield return Get("GET /api/integrations/school-welfare/senders", "senders", Carries.Nothing, state, "/api/integrations/school-welfare/senders");
            // Aggregate counts of the organisation's matters, as JSON and as CSV: no marker may appear in either.
            var report = $"/api/reports/processing-times?from={DateTime.UtcNow.AddDays(-300):yyyy-MM-dd}&to={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}";
            yield return Get("GET /api/reports/processing-times", "JSON", Carries.Nothing, state, report);
            yield return new Read("GET /api/reports/processing-times", "CSV", Carries.Nothing, state, c =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, report);
                request.Headers.Accept.ParseAdd("text/csv");
                return c.SendAsync(request);
            });
        }

        private static Read Get(string route, string label, Carries carries, State state, string url) =>
            new(route, label, carries, state, c => c.GetAsync(url));

        /// <summary>The whole access report, every page (the same request with each next cursor), as one answer: all its rows are checked.</summary>
        private static async Task<HttpResponseMessage> EveryPageOfTheReport(HttpClient client, string personId)
        {
            var url = "/api/audit/access-reports?limit=200";
            var entries = new JsonArray();
            for (var pages = 0; ; pages++)
            {
                var response = await client.PostJson(url, new { personId });
                if (response.StatusCode != HttpStatusCode.OK || pages > 1000)
                {
                    return response;
                }
                var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                foreach (var entry in page["entries"]!.AsArray().ToList())
                {
                    entries.Add(entry!.DeepClone());
                }
                if (!response.Headers.TryGetValues("Link", out var link))
                {
                    page["entries"] = entries;
                    response.Content = new StringContent(page.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
                    return response;
                }
                url = link.Single().Split('>')[0].TrimStart('<');
            }
        }

        /// <summary>§4: an access report lists only rows of the whole family (no subjects) and rows whose subjects include the person.</summary>
        private IEnumerable<string> OnlyTheirRows(Viewer viewer, Read read, string body)
        {
            if (!viewer.OwnAuditor)
            {
                yield break;
            }
            var older = _w.Children[Child.Older].ToString();
            foreach (var row in JsonNode.Parse(body)!["entries"]!.AsArray())
            {
                if (row!["subjects"] is JsonArray subjects && subjects.All(s => s!.GetValue<string>() != older))
                {
                    yield return $"the 14-year-old's access report lists row {row["data"]} about others only ({row["kind"]}, to {row["agency"]})";
                }
            }
        }

        /// <summary>
        /// An auditor of another county who asks the log for this family's id is shown that id back in the use rows of its own
        /// earlier asks (rows of its own county's log): the id it sent, not the family. Any other row naming the family is a leak.
        /// </summary>
        private bool OnlyOwnQueryEchoed(Viewer viewer, Read read, string body) =>
            read.Carries == Carries.AccessLog && viewer.Agency == "audit" && JsonNode.Parse(body) is JsonArray rows
            && rows.Where(r => r!.ToJsonString().Contains(_w.FamilyId.ToString(), StringComparison.OrdinalIgnoreCase))
                .All(r => r!["kind"]!.GetValue<string>() == "use" && r["data"]!.GetValue<string>() == "access-log"
                          && r["professionalId"]!.GetValue<string>() == viewer.Who.Id);

        /// <summary>A confirmation the plan expected refused was accepted: it is a fact now, confirmed by this viewer.</summary>
        private void Accepted(Viewer viewer, string justification)
        {
            lock (_w.Data)
            {
                var index = _w.Data.FindIndex(d => d.Marker == justification);
                _w.Data[index] = _w.Data[index] with { Kind = Kind.Confirmation };
                var attempt = Attempts.Single(a => a.Justification == justification);
                _confirmed.Add((viewer.Who.Id, _w.Contributions[attempt.Code]));
            }
        }

        /// <summary>An answer to a write that must carry no client data at all: no marker, and not the family's id.</summary>
        public void CheckAnswer(string viewer, string route, string label, string body)
        {
            _routes.TryAdd(route, 0);
            Interlocked.Add(ref _cases, _w.Data.Count + 1);
            foreach (var marker in MarkerPattern().Matches(body).Select(m => m.Value))
            {
                Findings.Enqueue(new Finding("LEAK", route, label, viewer, What(marker), "shown; §4: the answer carries no client data"));
            }
            if (body.Contains(_w.FamilyId.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                Findings.Enqueue(new Finding("LEAK", route, label, viewer, "the family's id", "shown; §1, §4: the notifier learns nothing about the family"));
            }
        }

        /// <summary>The caller's access-log rows written since the last look.</summary>
        private async Task<List<JsonNode>> LogRowsAsync(Viewer viewer)
        {
            var last = _lastLogId.GetValueOrDefault(viewer.Name);
            var rows = new List<JsonNode>();
            while (true)
            {
                var page = (await (await _log.GetAsync(
                    $"/api/audit/access-log?professionalId={Uri.EscapeDataString(viewer.Who.Id)}&afterId={last}&limit=1000")).Ok()).AsArray();
                rows.AddRange(page.Select(r => r!));
                if (page.Count > 0)
                {
                    last = page[^1]!["id"]!.GetValue<long>();
                }
                if (page.Count < 1000)
                {
                    break;
                }
            }
            _lastLogId[viewer.Name] = last;
            return rows;
        }

        [GeneratedRegex("LEAK-[A-Za-z0-9.-]+?-[0-9a-f]{32}")]
        private static partial Regex MarkerPattern();

        private static string What(string marker) => marker[5..^33];

        private string Subjects(Child[] children) => string.Join(",", children.Select(c => _w.Children[c].ToString()).Order(StringComparer.Ordinal));

        private static string Subjects(JsonNode? logged) =>
            logged is JsonArray ids ? string.Join(",", ids.Select(i => i!.GetValue<string>()).Order(StringComparer.Ordinal)) : "";

        public async Task CheckAsync(Viewer viewer, Read read)
        {
            _routes.TryAdd(read.Route, 0);
            Interlocked.Increment(ref _reads);
            using var response = await read.Send(_clients[viewer.Name]);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var context = $"{read.Label}, {read.State.Name}";
            void Add(string kind, string what, string detail) => Findings.Enqueue(new Finding(kind, read.Route, context, viewer.Name, what, detail));

            if (read.Status is { } expectedStatus && response.StatusCode != expectedStatus)
            {
                Add("STATUS", "", $"{status}, expected {(int)expectedStatus}: {body[..Math.Min(200, body.Length)]}");
                if (read.Carries == Carries.Confirmation && response.IsSuccessStatusCode && read.Justification is { } accepted)
                {
                    // A confirmation the table refuses was accepted: that disagreement is the STATUS finding; from now on it is a fact
                    // (its justification part of the audit trail), and its answer is judged like any other view of the entry.
                    Accepted(viewer, accepted);
                    read = read with { Confirms = Contribution(Attempts.Single(a => a.Justification == accepted).Code).ContributionId };
                }
            }
            var data = _w.Data.ToDictionary(d => d.Marker, StringComparer.Ordinal);
            var found = MarkerPattern().Matches(body).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            foreach (var unknown in found.Where(m => !data.ContainsKey(m)))
            {
                Add("LEAK", What(unknown), "a marker the matrix does not know");
            }
            var disclosures = new List<(string Key, string Owner, string Basis, string? Justification, string Subjects, string Why)>();
            foreach (var datum in data.Values)
            {
                Interlocked.Increment(ref _cases);
                var (seen, outcome, why) = Expect(read, viewer, datum);
                var shown = found.Contains(datum.Marker);
                if (shown && seen == Seen.Forbidden)
                {
                    Add("LEAK", What(datum.Marker), $"shown ({status}); table: {why}");
                }
                else if (!shown && seen == Seen.Required)
                {
                    Add("MISSING", What(datum.Marker), $"not shown ({status}); table: {why}");
                }
                if (shown && seen != Seen.Forbidden && outcome?.Basis is { } basis)
                {
                    // §4: a confirmation's disclosure carries its purpose and justification.
                    var justification = read.Carries == Carries.Confirmation && datum.ContributionId == read.Confirms ? read.Justification : null;
                    var frame = datum.Kind is Kind.Frame or Kind.Confirmation or Kind.Withdrawal;
                    disclosures.Add((datum.Key, frame ? "social-work" : datum.Owner, basis, justification, frame ? "" : Subjects(datum.Subjects),
                        $"{What(datum.Marker)} ({outcome.Row})"));
                }
            }
            var familyShown = body.Contains(_w.FamilyId.ToString(), StringComparison.OrdinalIgnoreCase);
            var auditRoute = read.Carries is Carries.History or Carries.Replay or Carries.AccessLog or Carries.AccessReport;
            Interlocked.Increment(ref _cases);
            if (familyShown && !(viewer.Related || (viewer.OwnAuditor && auditRoute) || (viewer.Admin && read.Carries == Carries.Deadlines)
                                 || OnlyOwnQueryEchoed(viewer, read, body)))
            {
                Add("LEAK", "the family's id", $"shown ({status}); §1: no relationship, the family must not exist for this caller");
            }
            if (response.IsSuccessStatusCode && viewer.Related && viewer.Agency != "social-work"
                && (read.Carries is Carries.Picture or Carries.TeamView || (read.Carries is Carries.Deadlines or Carries.Worklist && familyShown)))
            {
                disclosures.Add(("family-record", "social-work", "client-relationship", null, "", "the frame (F2)"));
            }
            if (response.IsSuccessStatusCode && viewer.OwnAuditor && read.Carries is Carries.History or Carries.Replay)
            {
                disclosures.Add(("family-record", "social-work", "audit", null, "", "the frame (A1)"));
            }
            foreach (var problem in response.IsSuccessStatusCode && read.Structure is { } structure ? structure(viewer, read, body) : [])
            {
                Add(problem.StartsWith("reason", StringComparison.Ordinal) ? "REASON" : "LEAK", "structure", problem);
            }
            if (!viewer.InCounty)
            {
                return;
            }
            var rows = await LogRowsAsync(viewer);
            foreach (var (key, owner, basis, justification, subjects, why) in disclosures.Distinct())
            {
                Interlocked.Increment(ref _cases);
                var logged = rows.Where(r => r["kind"]!.GetValue<string>() == "disclosure" && r["data"]!.GetValue<string>() == key
                                             && r["basis"]?.GetValue<string>() == basis && r["ownerAgency"]?.GetValue<string>() == owner
                                             && (justification is null || r["justification"]?.GetValue<string>() == justification)).ToList();
                if (logged.Count == 0)
                {
                    Add("UNDISCLOSED", why, $"{key} from {owner} under {basis}{(justification is null ? "" : " with its justification")}: no disclosure-log row for this read");
                }
                else if (!logged.Any(r => Subjects(r["subjects"]) == subjects))
                {
                    // §7: the entry says which children the data was about (none for the whole family's record); access reports rely on it.
                    Add("UNDISCLOSED", why, $"{key}: logged about [{Subjects(logged[0]["subjects"])}], the datum is about [{subjects}]");
                }
            }
            // §7: each read of client data writes a use-log entry.
            if (found.Count > 0 && !rows.Any(r => r["kind"]!.GetValue<string>() == "use"))
            {
                Add("UNLOGGED", "", $"{found.Count} markers shown ({status}) and no use-log entry written");
            }
        }

        public string Figures(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
            $"leak matrix: {_routes.Count} routes ({NoClientData.Length} of them answering no client data) x {Viewers.Count} callers x {_w.Data.Count} markers"
            + $" = {Cases:N0} cases in {Interlocked.Read(ref _reads):N0} reads; leaks found: {Leaks}, missing: {Findings.Count(f => f.Kind == "MISSING")},"
            + $" undisclosed: {Findings.Count(f => f.Kind is "UNDISCLOSED" or "UNLOGGED")}, other: {Findings.Count(f => f.Kind is not ("LEAK" or "MISSING" or "UNDISCLOSED" or "UNLOGGED"))};"
            + $" {elapsed.TotalSeconds:0.0} s");

        /// <summary>The findings, grouped by what differs from the table, with the markers of each group.</summary>
        public string Report()
        {
            var text = new System.Text.StringBuilder();
            foreach (var group in Findings.GroupBy(f => (f.Kind, f.Route, f.Context, f.Viewer, Detail: Regex.Replace(f.Detail, "[0-9a-f-]{36}", "<id>")))
                         .OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Route, StringComparer.Ordinal)
                         .ThenBy(g => g.Key.Viewer, StringComparer.Ordinal).ThenBy(g => g.Key.Context, StringComparer.Ordinal))
            {
                var whats = group.Select(f => f.What).Distinct(StringComparer.Ordinal).ToList();
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{group.Key.Kind} {group.Key.Route} ({group.Key.Context}) as {group.Key.Viewer}: {group.Count()} x {group.Key.Detail}: {string.Join(", ", whats.Take(8))}{(whats.Count > 8 ? ", ..." : "")}");
            }
            return text.ToString();
        }
    }
}

public sealed partial class LeakMatrix
{
    /// <summary>
    /// docs/sharing.md, written out by hand: §3's tables (F, C, N, D, S, A) in <see cref="Table"/>, §1 and §4 (who reads which
    /// route, and what each route carries) in <see cref="Expect"/>. Nothing here asks the service's own sharing code.
    /// </summary>
    private sealed partial class Matrix
    {
        /// <summary>§2: which consent category a datum's category is shared under.</summary>
        private static string ConsentCategory(string? category) => category switch
        {
            "general" => "assessment-contributions",
            "psychiatric-entry" => "psychiatric-entries",
            "medication-and-risk" => "medication-and-risk",
            _ => "assessment-contributions", // everything but contributions counts as assessment-contributions
        };

        /// <summary>
        /// §2: the one consent of this family, given by the 14-year-old to school welfare, social work and family work for psychiatric entries and
        /// assessment contributions, covers the 14-year-old only; a datum is shared under it only if it covers each of its subjects.
        /// </summary>
        private static bool ConsentCovers(string agency, string category, Child[] subjects, State state) =>
            state.ConsentInForce
            && agency is "school-welfare" or "social-work" or "family-work"
            && category is "psychiatric-entries" or "assessment-contributions"
            && subjects.Length > 0 && subjects.All(c => c == Child.Older);

        private string ConsentBasis => $"consent:{_w.ConsentId}";

        /// <summary>§3: what a related viewer (or an auditor, A1) is shown of a datum; rows tried in order, the first that matches decides.</summary>
        public Outcome Table(Viewer viewer, Datum d, State state, bool confirmed)
        {
            var agency = viewer.Agency;
            if (viewer.OwnAuditor)
            {
                return new(true, "A1", "audit");
            }
            switch (d.Kind)
            {
                case Kind.Frame:
                    return agency == "social-work" ? new(true, "F1") : new(true, "F2", "client-relationship");
                case Kind.Contribution:
                {
                    if (agency == d.Owner)
                    {
                        return new(true, "C1");
                    }
                    (string Row, string Basis)? allowed =
                        d.Basis == "atl-64" && agency == "social-work" ? ("C2", "atl-64")
                        : d.Basis == "atl-53-5" && d.Owner == "child-psychiatry" && agency == "social-work" ? ("C3", "atl-53-5")
                        : d.Basis == "atl-56" ? ("C4", "atl-56")
                        : ConsentCovers(agency, ConsentCategory(d.Category), d.Subjects, state) ? ("C5", ConsentBasis)
                        : null;
                    if (allowed is not { } shown)
                    {
                        return new(false, "C6 (no-consent)");
                    }
                    if (d.Category == "psychiatric-entry" && agency != "child-psychiatry" && !confirmed)
                    {
                        return new(false, $"C7 (confirmation-required; {shown.Row} would allow it)");
                    }
                    return new(true, shown.Row, shown.Basis);
                }
                case Kind.Concern or Kind.Invitation or Kind.Hearing or Kind.Conclusion:
                    if (agency == d.Owner)
                    {
                        return new(true, "N1");
                    }
                    if (d.AlsoShownTo is { } also && also.Agency == agency)
                    {
                        return new(true, "N2", also.Basis);
                    }
                    return ConsentCovers(agency, "assessment-contributions", d.Subjects, state)
                        ? new(true, "N3", ConsentBasis)
                        : new(false, "N4 (no-consent)");
                case Kind.Reflection or Kind.HypothesisCurrent or Kind.HypothesisPast or Kind.ActionOpen or Kind.ActionDone:
                    if (agency == d.Owner)
                    {
                        return new(true, "D1");
                    }
                    if (d.Participants.Contains(viewer.Who.Id, StringComparer.Ordinal))
                    {
                        return new(true, "D2", "discussion-participant");
                    }
                    return ConsentCovers(agency, "assessment-contributions", [Child.Older, Child.Younger], state)
                        ? new(true, "D3", ConsentBasis)
                        : new(false, "D4 (no-consent)");
                case Kind.SchoolReport:
                    if (agency == "school-welfare")
                    {
                        return new(true, "S1");
                    }
                    if (d.Basis == "atl-56")
                    {
                        return new(true, "S2", "atl-56");
                    }
                    if (agency == "social-work" && d.Basis is "lsl-25" or "atl-64" or "consent")
                    {
                        return new(true, "S3", d.Basis == "consent" ? "school-consent" : d.Basis);
                    }
                    return ConsentCovers(agency, "assessment-contributions", d.Subjects, state)
                        ? new(true, "S4", ConsentBasis)
                        : new(false, "S5 (no-consent)");
                case Kind.Confirmation or Kind.Withdrawal:
                    // §3, psychiatric confirmations and consent records: frame of the responsible social worker (history); a line for others.
                    return viewer.Responsible ? new(true, "§3 audit trail: the responsible social worker's frame") : new(false, "§3 audit trail: a timeline line only");
                default:
                    return new(false, "not this family's record");
            }
        }

        /// <summary>The withheld shapes of §3, exactly (C6/C7, S5, D4), told apart by the id each carries.</summary>
        private static readonly (string Id, string[] Fields, string Row)[] WithheldShapes =
        [
            ("reportId", ["reportId", "type", "childId", "schoolName", "recordedAt", "withheld", "reason"], "S5"),
            ("contributionId", ["contributionId", "agency", "recordedAt", "withheld", "reason"], "C6/C7"),
            ("revision", ["revision", "discussionId", "recordedAt", "withheld", "reason"], "D4 (hypothesis version)"),
            ("actionId", ["actionId", "agreedAt", "withheld", "reason"], "D4 (action)"),
            ("teamId", ["discussionId", "teamId", "participantIds", "occurredAt", "withheld", "reason"], "D4 (discussion)"),
        ];

        /// <summary>N4: a withheld case record keeps its structure; these content fields are null.</summary>
        private static readonly string[] CaseRecordContent =
        [
            "description", "suspectedOffence", "policeReported", "source.organisation", "source.reporterRole", "source.anonymous",
            "urgency.reasoning", "decision.reason", "question", "views", "notHeardReason", "summary", "clientOpinion", "namedWorkerNeeded",
        ];

        private static IEnumerable<JsonObject> Objects(JsonNode? node) => node switch
        {
            JsonObject o => o.SelectMany(p => Objects(p.Value)).Prepend(o),
            JsonArray a => a.SelectMany(Objects),
            _ => [],
        };

        /// <summary>
        /// Every withheld item of the answer has the table's shape and nothing more (no hours, statuses, due dates or owners of
        /// what is withheld), and a withheld contribution gives the reason the table gives (C6 no-consent, C7 confirmation-required).
        /// </summary>
        private IEnumerable<string> Shapes(Viewer viewer, Read read, string body)
        {
            foreach (var item in Objects(JsonNode.Parse(body)).Where(o => o["withheld"] is JsonValue w && w.GetValueKind() == System.Text.Json.JsonValueKind.True))
            {
                var fields = item.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
                var shape = WithheldShapes.FirstOrDefault(s => fields.Contains(s.Id) && !fields.Contains("hearingId"));
                if (shape.Fields is { } allowed)
                {
                    var extra = fields.Except(allowed, StringComparer.Ordinal).Where(x => item[x] is not null).Order(StringComparer.Ordinal).ToList();
                    if (extra.Count > 0)
                    {
                        yield return $"a withheld item ({shape.Row}) shows {string.Join(", ", extra)}: {item.ToJsonString()[..Math.Min(160, item.ToJsonString().Length)]}";
                    }
                }
                else
                {
                    foreach (var path in CaseRecordContent)
                    {
                        var value = path.Split('.').Aggregate((JsonNode?)item, (node, step) => node?[step]);
                        if (value is not null)
                        {
                            yield return $"a withheld case record (N4) shows {path}: {item.ToJsonString()[..Math.Min(160, item.ToJsonString().Length)]}";
                        }
                    }
                }
                if (shape.Id == "contributionId" && Guid.TryParse(item["contributionId"]?.GetValue<string>(), out var id)
                    && _w.Data.FirstOrDefault(d => d.ContributionId == id) is { } entry)
                {
                    var (_, outcome, _) = ByTable(viewer, entry, read.State, essential: true);
                    var reason = outcome is { Shown: false, Row: var row } && row.StartsWith("C7", StringComparison.Ordinal) ? "confirmation-required" : "no-consent";
                    if (outcome is { Shown: false } && item["reason"]?.GetValue<string>() != reason)
                    {
                        yield return $"reason of withheld {What(entry.Marker)}: {item["reason"]}, table: {outcome.Row}";
                    }
                }
            }
        }

        /// <summary>§3 over what a route carries: essential kinds must appear when shown; the others may.</summary>
        private static bool InPicture(Kind kind) => kind is not (Kind.Reflection or Kind.HypothesisPast or Kind.ActionDone);

        private (Seen, Outcome?, string) ByTable(Viewer viewer, Datum d, State state, bool essential)
        {
            var confirmed = state.ConfirmationsMade && d.ContributionId is { } id && _confirmed.Contains((viewer.Who.Id, id));
            var outcome = Table(viewer, d, state, confirmed);
            return (outcome.Shown ? essential ? Seen.Required : Seen.Allowed : Seen.Forbidden, outcome, outcome.Row);
        }

        private static readonly (Seen, Outcome?, string) NoRelationship = (Seen.Forbidden, null, "§1: no relationship (404; nothing crosses org)");

        /// <summary>Where a datum may appear: the read's route and moment, the viewer's relationship, then the table.</summary>
        private (Seen Seen, Outcome? Outcome, string Why) Expect(Read read, Viewer viewer, Datum d)
        {
            var state = read.State;
            var audit = read.Carries is Carries.AccessLog or Carries.AccessReport;
            switch (d.Kind)
            {
                case Kind.RefusedConfirmation:
                    return (Seen.Forbidden, null, "§3 C: a refused confirmation writes nothing");
                case Kind.UnmatchedNotification:
                    if (audit && viewer.OwnAuditor)
                    {
                        return (Seen.Allowed, null, "A1");
                    }
                    // §4: unmatched notifications are the intake's, social work of the county (N, owner social work).
                    return viewer.CountySocialWorker
                           && (read.Carries == Carries.Intake || (read.Carries == Carries.Concern && read.Concern == _w.UnmatchedNotification))
                        ? (Seen.Required, new Outcome(true, "§4 intake (N1)"), "§4 intake (N1)")
                        : (Seen.Forbidden, null, "§4: unmatched notifications: GET /api/intake and /api/concerns/{id}, social workers only");
                case Kind.UnmatchedMessage:
                    if (audit && viewer.OwnAuditor)
                    {
                        return (Seen.Allowed, null, "A1");
                    }
                    // §4: the unmatched list names the pupil (S, basis the school named: lsl-25, S3 for social work). Admins: see the report.
                    return viewer.CountySocialWorker && read.Carries == Carries.UnmatchedMessages
                        ? (d.Essential ? Seen.Required : Seen.Allowed, new Outcome(true, "S3 (unmatched)", "lsl-25"), "§4 + S3")
                        : (Seen.Forbidden, null, "§4: unmatched school messages: the list, social workers only (strict: not admins)");
            }
            if (!state.Includes(d))
            {
                return (Seen.Forbidden, null, $"not yet happened or recorded at the read's moment ({state.Name})");
            }
            if (audit)
            {
                return viewer.OwnAuditor ? (Seen.Allowed, null, "A1") : (Seen.Forbidden, null, "§4: the access log is for auditors of the county");
            }
            var trail = d.Kind is Kind.Confirmation or Kind.Withdrawal;
            switch (read.Carries)
            {
                case Carries.Picture:
                    if (viewer.OwnAuditor)
                    {
                        return (Seen.Forbidden, null, "§3: auditors see no picture of today (A1: history and replays only)");
                    }
                    if (!viewer.Related)
                    {
                        return NoRelationship;
                    }
                    return trail ? (Seen.Forbidden, null, "§3: the audit trail is in history only (strict reading)") : ByTable(viewer, d, state, InPicture(d.Kind));
                case Carries.Replay:
                    if (trail)
                    {
                        return (Seen.Forbidden, null, "§3: the audit trail is in history only (strict reading)");
                    }
                    if (viewer.OwnAuditor)
                    {
                        return (InPicture(d.Kind) ? Seen.Required : Seen.Allowed, new Outcome(true, "A1", "audit"), "A1");
                    }
                    return viewer.Responsible ? ByTable(viewer, d, state, InPicture(d.Kind))
                        : (Seen.Forbidden, null, "§4: replays are for auditors and the responsible social worker");
                case Carries.History:
                    if (viewer.OwnAuditor)
                    {
                        return (Seen.Required, new Outcome(true, "A1", "audit"), "A1");
                    }
                    if (!viewer.Responsible)
                    {
                        return (Seen.Forbidden, null, "§4: history is for auditors and the responsible social worker");
                    }
                    return ByTable(viewer, d, state, essential: true);
                case Carries.Hypotheses or Carries.Discussions:
                    if (!viewer.Related)
                    {
                        return NoRelationship;
                    }
                    if (d.Kind == Kind.Frame)
                    {
                        return ByTable(viewer, d, state, essential: false);
                    }
                    if (d.Kind is Kind.Reflection or Kind.HypothesisCurrent or Kind.HypothesisPast or Kind.ActionOpen or Kind.ActionDone)
                    {
                        var essential = read.Carries == Carries.Hypotheses
                            ? d.Kind is Kind.HypothesisCurrent or Kind.HypothesisPast
                            : d.Kind == Kind.Reflection;
                        return ByTable(viewer, d, state, essential);
                    }
                    return (Seen.Forbidden, null, "§4: the systemic routes carry D only");
                case Carries.Concern:
                    if (!(viewer.Related && viewer.Agency == "social-work"))
                    {
                        return (Seen.Forbidden, null, "§4: a concern by id: its notifier is told the receipt only; social work with a relationship sees it");
                    }
                    if (d.Kind == Kind.Frame)
                    {
                        return ByTable(viewer, d, state, essential: false);
                    }
                    return d.Kind == Kind.Concern && d.ConcernId == read.Concern
                        ? ByTable(viewer, d, state, essential: true)
                        : (Seen.Forbidden, null, "§4: a concern by id carries that concern (F + N) only");
                case Carries.Deadlines:
                    return d.Kind == Kind.Frame && (viewer.Related || viewer.Admin)
                        ? (Seen.Allowed, viewer.Related ? Table(viewer, d, state, false) : null, "§4 deadlines: F")
                        : (Seen.Forbidden, null, "§4: deadlines carry F (the deadlines) only, for related families (a social-work admin: the org)");
                case Carries.Worklist:
                    if (!viewer.Related)
                    {
                        return (Seen.Forbidden, null, "§4: a worklist names only families the caller relates to");
                    }
                    if (d.Kind == Kind.Frame)
                    {
                        return (Seen.Allowed, Table(viewer, d, state, false), "§4 worklist: F");
                    }
                    return d.Kind == Kind.Invitation
                        ? ByTable(viewer, d, state, essential: false)
                        : (Seen.Forbidden, null, "§4: a worklist carries F and the questions of invitations waiting for the caller only");
                case Carries.TeamView:
                    return d.Kind == Kind.Frame && viewer.TeamMember
                        ? (Seen.Allowed, Table(viewer, d, state, false), "§4 team views: F")
                        : (Seen.Forbidden, null, "§4: team views carry F only (never text: TeamCase), for current members");
                case Carries.Confirmation:
                    if (d.Kind == Kind.Contribution && read.Confirms is { } confirms && d.ContributionId == confirms)
                    {
                        return (Seen.Required, Table(viewer, d, state, confirmed: true), "§4 confirmations: the entry");
                    }
                    return d.Marker == read.Justification
                        ? (Seen.Allowed, null, "the confirmer's own justification")
                        : (Seen.Forbidden, null, "§4: a confirmation answers with one contribution, when C2-C5 allow it");
                default:
                    return (Seen.Forbidden, null, "§4: this route answers no client data");
            }
        }
    }
}
