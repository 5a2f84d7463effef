using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Npgsql;

namespace Coordination.IntegrationTests.Reports;

/// <summary>
/// THL's processing-times report (LsL 26 §) over a county half-year, 1 Apr - 30 Sep 2026, built through the API on the days
/// things happened (the service's clock is set to each one), then back-dated facts recorded after the period. Every expected
/// figure is counted by hand from a calendar; each matter's comment says where it counts and why.
/// </summary>
/// <remarks>
/// The calendar of 2026 used below: Easter Sunday 5 Apr, so Good Friday 3 Apr and Easter Monday 6 Apr are holidays;
/// Ascension Day Thu 14 May; Midsummer Eve Fri 19 Jun and Midsummer Day Sat 20 Jun. Summer time (+03:00) runs from 29 Mar
/// to 25 Oct. A decision is due on the 7th working day after the day of receipt (the receipt day not counted); an assessment
/// is due three months from the receipt of the concern that opened it (same day of the month, else its last day, then the
/// next working day).
/// </remarks>
public sealed class ProcessingTimesScenario(ClockedHost host) : IClassFixture<ClockedHost>
{
    private const string From = "2026-04-01";
    private const string To = "2026-09-30";
    private const string PeriodEnd = "2026-09-30T23:59:59+03:00";

    private const string CsvHeader =
        "organisation,from,to,knownAt,pending,decidedInTime,decidedLate,undecidedPastDeadline,completed,completedInTime,completedLate,openPastDeadline";

    private readonly Caller _auditor = Caller.Auditor();
    private readonly HttpClient _worker = host.ClientFor(Caller.SocialWorker());
    private readonly HttpClient _kuraattori = host.ClientFor(Caller.Kuraattori());
    private readonly HttpClient _eastWorker = host.ClientFor(Caller.SocialWorker(Orgs.Uusimaa));
    private readonly HttpClient _eastKuraattori = host.ClientFor(Caller.Kuraattori(Orgs.Uusimaa));
    private readonly HttpClient _eastAudit = host.ClientFor(Caller.Auditor(Orgs.Uusimaa));

    [Fact(Timeout = 120000)]
    public async Task a_half_year_reported_at_its_end_keeps_its_figures_while_facts_recorded_later_count_as_known_now()
    {
        var audit = host.ClientFor(_auditor);
        var worker = _worker;
        HalfYear year; // phases 1 and 2, on a moved clock
        try
        {
            year = await RecordTheHalfYearAndReportItAsync(audit);
        }
        finally
        {
            host.Clock.Reset();
        }
        var (periodEndJson, periodEndCsv, east) = (year.PeriodEndJson, year.PeriodEndCsv, year.East);

        // Now (December), as known at the end of the period: the same, to the byte.
        Assert.Equal(periodEndJson.Body, (await Report(audit, PeriodEnd)).Body);
        Assert.Equal(periodEndCsv.Body, (await Report(audit, PeriodEnd, csv: true)).Body);
        // Any admin or auditor of the county reads the same figures; the other county still its own.
        Assert.Equal(periodEndJson.Body, (await Report(host.ClientFor(SchoolSystem.Admin()), PeriodEnd)).Body);
        Assert.Equal(periodEndJson.Body, (await Report(host.ClientFor(
            new Caller($"adm-{Guid.NewGuid():N}"[..12], "Koulu Admin", Orgs.Pirkanmaa, "school-welfare", "admin")), PeriodEnd)).Body);
        Assert.Equal(east.Body, (await Report(_eastAudit, PeriodEnd)).Body);

        // As known now, the facts recorded after the period count:
        //   pending 17: the 16, plus L (received 20 Aug); J counts once, now on its family;
        //   decidedInTime 10: the 8, plus G (15 Sep <= 16 Sep) and Q (30 Sep <= 30 Sep);
        //   decidedLate 3: B, C, plus E (5 Oct > 23 Sep);
        //   undecidedPastDeadline 4: J0 (due 14 Apr), J (due 24 Sep), F (due 7 Oct, before today), L (due 31 Aug);
        //   completed 4: A, X1, C, plus H (25 Sep); in time 3 (H due 3 Nov); late 1 (X1);
        //   openPastDeadline 3: D (concluded 15 Oct, after the period: still open at its end), K, P.
        var now = await Report(audit, knownAt: null);
        AssertFigures(now, Orgs.Pirkanmaa, knownAt: null,
            pending: 17, decidedInTime: 10, decidedLate: 3, undecidedPastDeadline: 4,
            completed: 4, completedInTime: 3, completedLate: 1, openPastDeadline: 3);
        var knownNow = now.Json!["knownAt"]!.GetValue<string>();
        var nowCsv = await Report(audit, knownNow, csv: true);
        AssertCsv(nowCsv, Orgs.Pirkanmaa, knownNow, "17,10,3,4,4,3,1,3");

        // ---- Phase 3: more facts, recorded now and back-dated into the period. ----
        // F decided Wed 30 Sep (due 7 Oct): in time. L decided Tue 1 Sep (due 31 Aug): late. K concluded Tue 29 Sep (due 4 Aug):
        // late. P concluded on its last day, Wed 30 Sep: in time. N, received Mon 6 Jul, recorded only now (decision due: 7, 8,
        // 9, 10, 13, 14, 15 -> Wed 15 Jul), undecided.
        await NoAssessment(worker, year.F, year.FConcern, "2026-09-30T14:00:00+03:00");
        await NoAssessment(worker, year.L, year.LConcern, "2026-09-01T14:00:00+03:00");
        await Hear(worker, year.K, year.KAssessment, year.K.Children[0], "2026-09-28T10:00:00+03:00");
        await Conclude(worker, year.K, year.KAssessment, "2026-09-29T12:00:00+03:00");
        await Hear(worker, year.P, year.PAssessment, year.P.Children[0], "2026-09-29T10:00:00+03:00");
        await Conclude(worker, year.P, year.PAssessment, "2026-09-30T12:00:00+03:00");
        var n = await Register(worker);
        await Concern(worker, n, n.Children, "2026-07-06T10:00:00+03:00", expectDecisionDue: "2026-07-15");

        // The latest knownAt is a minute ago (facts of the last moments may still be committing): let two minutes pass.
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        // Neither earlier report moves: not the one known at the end of the period, JSON or CSV, nor the one known a moment ago.
        Assert.Equal(periodEndJson.Body, (await Report(audit, PeriodEnd)).Body);
        Assert.Equal(periodEndCsv.Body, (await Report(audit, PeriodEnd, csv: true)).Body);
        Assert.Equal(now.Body, (await Report(audit, knownNow)).Body);
        Assert.Equal(nowCsv.Body, (await Report(audit, knownNow, csv: true)).Body);
        Assert.Equal(east.Body, (await Report(_eastAudit, PeriodEnd)).Body);

        // As known from now on: pending 18 (+ N); in time 11 (+ F); late 4 (+ L); undecided past 3 (J0, J, N); completed 6
        // (+ K, P), in time 4 (+ P), late 2 (X1, K); open past deadline 1 (D).
        AssertFigures(await Report(audit, knownAt: null), Orgs.Pirkanmaa, knownAt: null,
            pending: 18, decidedInTime: 11, decidedLate: 4, undecidedPastDeadline: 3,
            completed: 6, completedInTime: 4, completedLate: 2, openPastDeadline: 1);

        // Every read was use-logged (ATL 10 §).
        var log = (await (await audit.GetAsync($"/api/audit/access-log?professionalId={_auditor.Id}&limit=1000")).Ok()).AsArray();
        Assert.Equal(11, log.Count(row => row!["data"]!.GetValue<string>() == "processing-times-report"));
        host.Clock.Reset();
    }

    [Fact]
    public async Task a_bad_period_or_moment_is_400_naming_the_field_and_only_admins_and_auditors_may_read()
    {
        var auditor = Caller.Auditor();
        var audit = host.ClientFor(auditor);
        var tomorrow = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture));
        var cases = new (string Query, string Field)[]
        {
            ("to=2026-09-30", "from"),
            ("from=2026-04-01", "to"),
            ("from=2026-4-1&to=2026-09-30", "from"),
            ("from=2026-04-01&to=30.9.2026", "to"),
            ("from=2026-04-01&to=2026-03-31", "to"), // before from
            ("from=2025-04-01&to=2026-04-02", "to"), // 367 days
            ("from=2026-04-01&to=2026-09-30&knownAt=yesterday", "knownAt"),
            ($"from=2026-04-01&to=2026-09-30&knownAt={tomorrow}", "knownAt"),
            ($"from=2026-04-01&to=2026-09-30&knownAt={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(-10).ToString("O", CultureInfo.InvariantCulture))}", "knownAt"), // still settling
            ("from=2026-04-01&to=2026-09-30&knownAt=2026-09-30T23%3A59%3A59", "knownAt"), // no offset
            ("from=2026-04-01&to=2026-09-30&knownAt=1999-12-31T23%3A59%3A59%2B00%3A00", "knownAt"),
        };
        foreach (var (query, field) in cases)
        {
            var problem = await (await audit.GetAsync($"/api/reports/processing-times?{query}")).Problem(HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]?[field] is JsonArray { Count: > 0 }, $"{query}: {problem.ToJsonString()}");
        }
        // Asked for CSV, a refusal is still a problem body.
        using (var csv = new HttpRequestMessage(HttpMethod.Get, "/api/reports/processing-times?from=2026-04-01"))
        {
            csv.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
            Assert.NotNull((await (await audit.SendAsync(csv)).Problem(HttpStatusCode.BadRequest))["errors"]!["to"]);
        }
        // 366 days, counting both ends, is allowed: 1 Apr 2025 - 1 Apr 2026.
        await (await audit.GetAsync("/api/reports/processing-times?from=2025-04-01&to=2026-04-01")).Ok();

        const string period = "/api/reports/processing-times?from=2026-04-01&to=2026-09-30";
        await (await host.ClientFor(Caller.SocialWorker()).GetAsync(period)).Problem(HttpStatusCode.Forbidden);
        await (await host.CreateClient().GetAsync(period)).Problem(HttpStatusCode.Unauthorized);

        // Only the one read that was answered is in the use log.
        var log = (await (await audit.GetAsync($"/api/audit/access-log?professionalId={auditor.Id}")).Ok()).AsArray();
        Assert.Equal(1, log.Count(row => row!["data"]!.GetValue<string>() == "processing-times-report"));
    }

    /// <summary>Found by this test: facts are stamped before their transaction commits; the latest knownAt is now a minute ago.</summary>
    [Fact]
    public async Task the_same_knownAt_gives_the_same_figures_although_a_write_was_in_flight_when_it_was_first_asked()
    {
        var family = await Register(_worker);
        var audit = host.ClientFor(_auditor);
        var period = $"/api/reports/processing-times?from={DateTime.UtcNow.AddDays(-30):yyyy-MM-dd}&to={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}";

        // Another transaction holds the family's report row, so the concern's write is stamped and then waits to commit (in
        // production: any write between its stamp and its commit).
        await using var connection = new NpgsqlConnection(await PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"select id from \"{host.Schema}\".mt_doc_processingrecord where id = @id for update", connection, transaction))
        {
            hold.Parameters.AddWithValue("id", family.Id);
            await hold.ExecuteScalarAsync();
        }
        var write = Concern(_worker, family, family.Children, DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", CultureInfo.InvariantCulture),
            expectDecisionDue: null);
        await Task.Delay(1000);
        var first = await (await audit.GetAsync(period)).Ok();
        await transaction.RollbackAsync();
        await write;

        var again = await (await audit.GetAsync($"{period}&knownAt={Uri.EscapeDataString(first["knownAt"]!.GetValue<string>())}")).Ok();
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
    }

    /// <summary>Found by this test: the intake counted a notification until its placedAt, taken before its concern's stamp.</summary>
    [Fact]
    public async Task a_notification_counts_at_every_moment_of_its_placement_on_a_family()
    {
        var audit = host.ClientFor(_auditor);
        var period = $"/api/reports/processing-times?from={DateTime.UtcNow.AddDays(-30):yyyy-MM-dd}&to={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}";
        var code = TestPeople.Born(2013, 4, 4);
        var concernId = await Notify(_kuraattori, code, DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", CultureInfo.InvariantCulture),
            expectDecisionDue: null);
        await WaitUntilUnmatched(_worker, concernId);
        var family = await Register(_worker, firstChildCode: code);
        await (await _worker.PostJson($"/api/intake/{concernId}/link", new { familyId = family.Id })).Ok();

        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var placedAt = (await session.LoadAsync<Coordination.Intake.Notification>(concernId))!.PlacedAt!.Value;
        host.Clock.Advance(TimeSpan.FromMinutes(2)); // the moments asked about are past the report's minute of settling
        try
        {
        async Task<int> PendingAt(DateTimeOffset knownAt) =>
            (await (await audit.GetAsync($"{period}&knownAt={Uri.EscapeDataString(knownAt.ToString("O", CultureInfo.InvariantCulture))}")).Ok())
            ["pending"]!.GetValue<int>();
            // Waiting in the intake a moment before, on the family (or still in the intake) from the moment it was placed, and
            // at every moment of the write that recorded its concern on the family.
            var before = await PendingAt(placedAt.AddMilliseconds(-1));
            Assert.Equal(before, await PendingAt(placedAt));
            var stamped = (await host.EventsOf(Orgs.Pirkanmaa, family.Id)).Single(e => e.Data is Coordination.Concerns.ConcernRaised).Timestamp;
            Assert.Equal(before, await PendingAt(stamped.AddTicks(-10)));
            Assert.Equal(before, await PendingAt(stamped));
        }
        finally
        {
            host.Clock.Reset();
        }
    }

    /// <summary>
    /// Phase 1: the half-year as it happened, each fact recorded on its own day (the service's clock set to it). On 1 Oct the
    /// county reads its report. Phase 2: facts recorded in October and November, some back-dated into the period.
    /// </summary>
    private async Task<HalfYear> RecordTheHalfYearAndReportItAsync(HttpClient audit)
    {
        var (worker, kuraattori, eastWorker, eastKuraattori, eastAudit) = (_worker, _kuraattori, _eastWorker, _eastKuraattori, _eastAudit);
        // ---- Phase 1: the half-year as it happened, every fact recorded on its own day. ----
        On("2026-03-31T09:00:00+03:00");
        var a = await Register(worker);
        var x1 = await Register(worker);
        var d = await Register(worker, children: 2);
        var k = await Register(worker);
        var b = await Register(worker);
        var c = await Register(worker);
        var i = await RegisterExpecting(worker, "2026-10-15");
        var h = await Register(worker);
        var g = await Register(worker);
        var e = await Register(worker);
        var f = await Register(worker);
        var p = await Register(worker);
        var q = await Register(worker);
        var u1 = await Register(eastWorker);
        var u3 = await Register(eastWorker);

        // X1: received Tue 31 Mar 23:30 Helsinki: before the period, so its matter never counts. Decision due: Apr 1, 2,
        // (3-6 Easter) 7, 8, 9, 10, 13 -> Mon 13 Apr.
        On("2026-03-31T23:30:00+03:00");
        var x1Concern = await Concern(worker, x1, x1.Children, "2026-03-31T23:30:00+03:00", expectDecisionDue: "2026-04-13");
        // A: received 21:30 UTC on 31 Mar, which is Wed 1 Apr 00:30 in Helsinki: in the period. Decision due: Apr 2, (3-6
        // Easter) 7, 8, 9, 10, 13, 14 -> Tue 14 Apr.
        On("2026-04-01T00:30:00+03:00");
        var aConcern = await Concern(worker, a, a.Children, "2026-03-31T21:30:00Z", expectDecisionDue: "2026-04-14");
        // J0: at the same moment the kuraattori notifies about a child no family holds: it waits in the intake for good. Its
        // Helsinki date is 1 Apr (in the period), due Tue 14 Apr like A.
        var j0 = await Notify(kuraattori, TestPeople.Born(2013, 1, 1), "2026-03-31T21:30:00Z", expectDecisionDue: "2026-04-14");
        await WaitUntilUnmatched(worker, j0);
        On("2026-04-01T09:00:00+03:00");
        await Urgency(worker, x1, x1Concern, "2026-04-01T09:00:00+03:00");
        await Urgency(worker, a, aConcern, "2026-04-01T09:00:00+03:00");

        // D1: Thu 2 Apr, names both children (two matters). Decision due: (3-6 Easter) 7, 8, 9, 10, 13, 14, 15 -> Wed 15 Apr.
        On("2026-04-02T10:30:00+03:00");
        var d1 = await Concern(worker, d, d.Children, "2026-04-02T10:00:00+03:00", expectDecisionDue: "2026-04-15");
        await Urgency(worker, d, d1, "2026-04-02T10:30:00+03:00");

        // U1 (the other county): Tue 7 Apr. Decision due: 8, 9, 10, 13, 14, 15, 16 -> Thu 16 Apr.
        On("2026-04-07T10:30:00+03:00");
        var u1Concern = await Concern(eastWorker, u1, u1.Children, "2026-04-07T10:00:00+03:00", expectDecisionDue: "2026-04-16");
        await Urgency(eastWorker, u1, u1Concern, "2026-04-07T10:30:00+03:00");

        // X1 decided Wed 8 Apr: three months from its receipt on 31 Mar is "31 Jun", so the last day of June, Tue 30 Jun.
        On("2026-04-08T12:00:00+03:00");
        var x1Started = await StartAssessment(worker, x1, x1Concern, "2026-04-08T12:00:00+03:00");
        Assert.Equal("2026-06-30", x1Started["completionDue"]!.GetValue<string>());
        var x1Assessment = Id(x1Started, "assessmentId");

        // D1 decided Thu 9 Apr (due 15 Apr): in time, for both children. Completion due Thu 2 Jul.
        On("2026-04-09T12:00:00+03:00");
        var dStarted = await StartAssessment(worker, d, d1, "2026-04-09T12:00:00+03:00");
        Assert.Equal("2026-07-02", dStarted["completionDue"]!.GetValue<string>());
        Assert.False(dStarted["joinedExisting"]!.GetValue<bool>());
        var dAssessment = Id(dStarted, "assessmentId");

        // A decided on its last day, Tue 14 Apr: in time. Completion due from Wed 1 Apr (the Helsinki date): Wed 1 Jul.
        On("2026-04-14T15:00:00+03:00");
        var aStarted = await StartAssessment(worker, a, aConcern, "2026-04-14T15:00:00+03:00");
        Assert.Equal("2026-07-01", aStarted["completionDue"]!.GetValue<string>());
        var aAssessment = Id(aStarted, "assessmentId");

        // U1 decided Fri 17 Apr (due 16 Apr): late. Completion due Tue 7 Jul.
        On("2026-04-17T12:00:00+03:00");
        var u1Started = await StartAssessment(eastWorker, u1, u1Concern, "2026-04-17T12:00:00+03:00");
        Assert.Equal("2026-07-07", u1Started["completionDue"]!.GetValue<string>());

        // K and U3: Mon 4 May. Decision due: 5, 6, 7, 8, 11, 12, 13 -> Wed 13 May (Ascension, 14 May, comes after).
        On("2026-05-04T10:30:00+03:00");
        var kConcern = await Concern(worker, k, k.Children, "2026-05-04T10:00:00+03:00", expectDecisionDue: "2026-05-13");
        await Urgency(worker, k, kConcern, "2026-05-04T10:30:00+03:00");
        var u3Concern = await Concern(eastWorker, u3, u3.Children, "2026-05-04T10:00:00+03:00", expectDecisionDue: "2026-05-13");
        await Urgency(eastWorker, u3, u3Concern, "2026-05-04T10:30:00+03:00");

        // B: Fri 8 May. Decision due: 11, 12, 13, (14 Ascension) 15, 18, 19, 20 -> Wed 20 May.
        On("2026-05-08T10:30:00+03:00");
        var bConcern = await Concern(worker, b, b.Children, "2026-05-08T10:00:00+03:00", expectDecisionDue: "2026-05-20");
        await Urgency(worker, b, bConcern, "2026-05-08T10:30:00+03:00");

        // U3 decided Mon 11 May (due 13 May): in time. Completion due Tue 4 Aug.
        On("2026-05-11T12:00:00+03:00");
        Assert.Equal("2026-08-04", (await StartAssessment(eastWorker, u3, u3Concern, "2026-05-11T12:00:00+03:00"))["completionDue"]!.GetValue<string>());

        // K decided on its last day, Wed 13 May: in time. Completion due Tue 4 Aug.
        On("2026-05-13T12:00:00+03:00");
        var kStarted = await StartAssessment(worker, k, kConcern, "2026-05-13T12:00:00+03:00");
        Assert.Equal("2026-08-04", kStarted["completionDue"]!.GetValue<string>());
        var kAssessment = Id(kStarted, "assessmentId");

        // B decided 21:30 UTC on 20 May, its due day in UTC but already Thu 21 May 00:30 in Helsinki: late.
        On("2026-05-21T00:30:00+03:00");
        await NoAssessment(worker, b, bConcern, "2026-05-20T21:30:00Z");

        // C: an application by the mother, Fri 5 Jun. Decision due: 8, 9, 10, 11, 12, 15, 16 -> Tue 16 Jun.
        On("2026-06-05T10:30:00+03:00");
        var cConcern = await Concern(worker, c, c.Children, "2026-06-05T10:00:00+03:00", expectDecisionDue: "2026-06-16",
            kind: "application", source: new { agency = "guardian", anonymous = false });
        await Urgency(worker, c, cConcern, "2026-06-05T10:30:00+03:00");

        // I: a pre-birth notification from the maternity clinic, Wed 10 Jun. Decision due: 11, 12, 15, 16, 17, 18,
        // (19 Midsummer Eve, 20 Midsummer Day, 21 Sunday) 22 -> Mon 22 Jun.
        On("2026-06-10T10:30:00+03:00");
        var iConcern = await Concern(worker, i, i.Children, "2026-06-10T10:00:00+03:00", expectDecisionDue: "2026-06-22",
            kind: "pre-birth-notification",
            source: new { agency = "health-care", organisation = "Neuvola", reporterRole = "midwife", anonymous = false });
        await Urgency(worker, i, iConcern, "2026-06-10T10:30:00+03:00");

        // C decided Wed 17 Jun (due 16 Jun): late. Three months from Fri 5 Jun is Sat 5 Sep: moved to Mon 7 Sep.
        On("2026-06-17T12:00:00+03:00");
        var cStarted = await StartAssessment(worker, c, cConcern, "2026-06-17T12:00:00+03:00");
        Assert.Equal("2026-09-07", cStarted["completionDue"]!.GetValue<string>());
        var cAssessment = Id(cStarted, "assessmentId");

        // I decided on its last day, Mon 22 Jun: in time (only because Midsummer Eve is not a working day).
        On("2026-06-22T12:00:00+03:00");
        await NoAssessment(worker, i, iConcern, "2026-06-22T12:00:00+03:00");

        On("2026-06-29T10:00:00+03:00");
        await Hear(worker, x1, x1Assessment, x1.Children[0], "2026-06-29T10:00:00+03:00");
        On("2026-06-30T10:00:00+03:00");
        await Hear(worker, a, aAssessment, a.Children[0], "2026-06-30T10:00:00+03:00");

        // P: Tue 30 Jun. Decision due: Jul 1, 2, 3, 6, 7, 8, 9 -> Thu 9 Jul.
        On("2026-06-30T10:30:00+03:00");
        var pConcern = await Concern(worker, p, p.Children, "2026-06-30T10:00:00+03:00", expectDecisionDue: "2026-07-09");
        await Urgency(worker, p, pConcern, "2026-06-30T10:30:00+03:00");

        // D2: Wed 1 Jul, about the first child only (one matter). Decision due: 2, 3, 6, 7, 8, 9, 10 -> Fri 10 Jul.
        On("2026-07-01T09:30:00+03:00");
        var d2 = await Concern(worker, d, d.Children.Take(1), "2026-07-01T09:00:00+03:00", expectDecisionDue: "2026-07-10");
        await Urgency(worker, d, d2, "2026-07-01T09:30:00+03:00");

        // A concluded on its last day, Wed 1 Jul: completed in time.
        On("2026-07-01T14:00:00+03:00");
        await Conclude(worker, a, aAssessment, "2026-07-01T14:00:00+03:00");

        // X1 concluded Thu 2 Jul (due 30 Jun): completed late, in this period although its matter was not.
        On("2026-07-02T14:00:00+03:00");
        await Conclude(worker, x1, x1Assessment, "2026-07-02T14:00:00+03:00");

        // D2 decided Fri 3 Jul (due 10 Jul): in time, joined to D's running assessment, whose clock (from 2 Apr) stands:
        // still due Thu 2 Jul. (From D2's own receipt it would be Thu 1 Oct, after the period.)
        On("2026-07-03T12:00:00+03:00");
        var joined = await StartAssessment(worker, d, d2, "2026-07-03T12:00:00+03:00", HttpStatusCode.OK);
        Assert.True(joined["joinedExisting"]!.GetValue<bool>());
        Assert.Equal(dAssessment, Id(joined, "assessmentId"));
        Assert.Equal("2026-07-02", joined["completionDue"]!.GetValue<string>());

        // P decided on its last day, Thu 9 Jul: in time. Completion due three months from 30 Jun: Wed 30 Sep, the period's
        // last day.
        On("2026-07-09T12:00:00+03:00");
        var pStarted = await StartAssessment(worker, p, pConcern, "2026-07-09T12:00:00+03:00");
        Assert.Equal("2026-09-30", pStarted["completionDue"]!.GetValue<string>());
        var pAssessment = Id(pStarted, "assessmentId");

        // H: the kuraattori notifies through the intake, Mon 3 Aug; the service places it on the family holding the child.
        // Decision due: 4, 5, 6, 7, 10, 11, 12 -> Wed 12 Aug.
        On("2026-08-03T10:05:00+03:00");
        var hConcern = await Notify(kuraattori, h.Codes[0]!, "2026-08-03T10:00:00+03:00", expectDecisionDue: "2026-08-12");
        await WaitUntilPlaced(worker, hConcern);
        On("2026-08-03T11:00:00+03:00");
        await Urgency(worker, h, hConcern, "2026-08-03T11:00:00+03:00");

        // H decided on its last day, Wed 12 Aug: in time. Completion due Tue 3 Nov, after the period.
        On("2026-08-12T12:00:00+03:00");
        var hStarted = await StartAssessment(worker, h, hConcern, "2026-08-12T12:00:00+03:00");
        Assert.Equal("2026-11-03", hStarted["completionDue"]!.GetValue<string>());
        var hAssessment = Id(hStarted, "assessmentId");

        // U1 concluded Fri 14 Aug (due 7 Jul): late.
        On("2026-08-13T10:00:00+03:00");
        await Hear(eastWorker, u1, Id(u1Started, "assessmentId"), u1.Children[0], "2026-08-13T10:00:00+03:00");
        On("2026-08-14T12:00:00+03:00");
        await Conclude(eastWorker, u1, Id(u1Started, "assessmentId"), "2026-08-14T12:00:00+03:00");

        // U2: the other county's intake, Tue 1 Sep, a child no family holds. Decision due: 2, 3, 4, 7, 8, 9, 10 -> Thu 10 Sep.
        On("2026-09-01T10:05:00+03:00");
        var u2 = await Notify(eastKuraattori, TestPeople.Born(2015, 3, 3), "2026-09-01T10:00:00+03:00", expectDecisionDue: "2026-09-10");
        await WaitUntilUnmatched(eastWorker, u2);

        On("2026-09-04T10:00:00+03:00");
        await Hear(worker, c, cAssessment, c.Children[0], "2026-09-04T10:00:00+03:00");

        // G: Mon 7 Sep. Decision due: 8, 9, 10, 11, 14, 15, 16 -> Wed 16 Sep. Not decided within the period (see phase 2).
        On("2026-09-07T10:30:00+03:00");
        var gConcern = await Concern(worker, g, g.Children, "2026-09-07T10:00:00+03:00", expectDecisionDue: "2026-09-16");
        await Urgency(worker, g, gConcern, "2026-09-07T10:30:00+03:00");

        // C concluded on its (moved) last day, Mon 7 Sep: completed in time.
        On("2026-09-07T12:00:00+03:00");
        await Conclude(worker, c, cAssessment, "2026-09-07T12:00:00+03:00");

        // E: Mon 14 Sep. Decision due: 15, 16, 17, 18, 21, 22, 23 -> Wed 23 Sep.
        On("2026-09-14T10:30:00+03:00");
        var eConcern = await Concern(worker, e, e.Children, "2026-09-14T10:00:00+03:00", expectDecisionDue: "2026-09-23");
        await Urgency(worker, e, eConcern, "2026-09-14T10:30:00+03:00");

        // J: the intake, Tue 15 Sep, a child no family holds yet. Decision due: 16, 17, 18, 21, 22, 23, 24 -> Thu 24 Sep.
        On("2026-09-15T10:05:00+03:00");
        var jCode = TestPeople.Born(2014, 9, 9);
        var jConcern = await Notify(kuraattori, jCode, "2026-09-15T10:00:00+03:00", expectDecisionDue: "2026-09-24");
        await WaitUntilUnmatched(worker, jConcern);

        // Q: Mon 21 Sep. Decision due: 22, 23, 24, 25, 28, 29, 30 -> Wed 30 Sep, the period's last day.
        On("2026-09-21T10:30:00+03:00");
        var qConcern = await Concern(worker, q, q.Children, "2026-09-21T10:00:00+03:00", expectDecisionDue: "2026-09-30");
        await Urgency(worker, q, qConcern, "2026-09-21T10:30:00+03:00");

        // F: Mon 28 Sep. Decision due: 29, 30, Oct 1, 2, 5, 6, 7 -> Wed 7 Oct, after the end of the period.
        On("2026-09-28T10:30:00+03:00");
        var fConcern = await Concern(worker, f, f.Children, "2026-09-28T10:00:00+03:00", expectDecisionDue: "2026-10-07");
        await Urgency(worker, f, fConcern, "2026-09-28T10:30:00+03:00");

        // ---- Phase 2: after the period. ----
        // X2 on B's family: 21:30 UTC on 30 Sep is Thu 1 Oct 00:30 in Helsinki: after the period, in every report.
        // Decision due: 2, 5, 6, 7, 8, 9, 12 -> Mon 12 Oct.
        On("2026-10-01T00:35:00+03:00");
        await Concern(worker, b, b.Children, "2026-09-30T21:30:00Z", expectDecisionDue: "2026-10-12");
        // J2: the same moment, through the intake, a child no family holds: waits for good, outside the period.
        var j2 = await Notify(kuraattori, TestPeople.Born(2013, 2, 2), "2026-09-30T21:30:00Z", expectDecisionDue: "2026-10-12");
        await WaitUntilUnmatched(worker, j2);

        // 1 Oct, the county runs the report for THL. Pirkanmaa, as known at the end of the period:
        //   pending 16 = A 1 + J0 1 (in the intake) + D1 2 + K 1 + B 1 + C 1 + I 1 + P 1 + D2 1 + H 1 + G 1 + E 1
        //     + J 1 (in the intake) + Q 1 + F 1; X1 (received 31 Mar), X2 and J2 (received 1 Oct) are outside the period;
        //   decidedInTime 8 = A (14 Apr <= 14 Apr), D1 x2 (9 Apr <= 15 Apr), K (13 May <= 13 May), I (22 Jun <= 22 Jun),
        //     P (9 Jul <= 9 Jul), D2 (3 Jul <= 10 Jul), H (12 Aug <= 12 Aug);
        //   decidedLate 2 = B (21 May > 20 May), C (17 Jun > 16 Jun);
        //   undecidedPastDeadline 4 = J0 (due 14 Apr), G (due 16 Sep), E (due 23 Sep), J (due 24 Sep): all before 30 Sep;
        //     Q is due on 30 Sep itself and F on 7 Oct;
        //   completed 3 = A (1 Jul), X1 (2 Jul), C (7 Sep); in time 2 = A (due 1 Jul), C (due 7 Sep); late 1 = X1 (due 30 Jun);
        //   openPastDeadline 3 = D (due 2 Jul), K (due 4 Aug), P (due 30 Sep, open at its end); H is open but due 3 Nov.
        On("2026-10-01T08:00:00+03:00");
        var periodEndJson = await Report(audit, PeriodEnd);
        var periodEndCsv = await Report(audit, PeriodEnd, csv: true);
        AssertFigures(periodEndJson, Orgs.Pirkanmaa, PeriodEnd,
            pending: 16, decidedInTime: 8, decidedLate: 2, undecidedPastDeadline: 4,
            completed: 3, completedInTime: 2, completedLate: 1, openPastDeadline: 3);
        AssertCsv(periodEndCsv, Orgs.Pirkanmaa, PeriodEnd, "16,8,2,4,3,2,1,3");

        // Itä-Uusimaa sees only its own: pending 3 = U1 + U3 + U2 (in its intake); in time 1 = U3 (11 May <= 13 May);
        // late 1 = U1 (17 Apr > 16 Apr); undecided past 1 = U2 (due 10 Sep); completed 1, late = U1 (14 Aug > 7 Jul);
        // open past deadline 1 = U3 (due 4 Aug).
        var east = await Report(eastAudit, PeriodEnd);
        AssertFigures(east, Orgs.Uusimaa, PeriodEnd,
            pending: 3, decidedInTime: 1, decidedLate: 1, undecidedPastDeadline: 1,
            completed: 1, completedInTime: 0, completedLate: 1, openPastDeadline: 1);

        // 10 Nov: three decisions recorded late, back-dated. G's made Tue 15 Sep (due 16 Sep): in time. Q's made Wed 30 Sep
        // (due that day): in time. E's made Mon 5 Oct (due 23 Sep): late.
        On("2026-11-10T10:00:00+02:00");
        await NoAssessment(worker, g, gConcern, "2026-09-15T14:00:00+03:00");
        await NoAssessment(worker, q, qConcern, "2026-09-30T14:00:00+03:00");
        await NoAssessment(worker, e, eConcern, "2026-10-05T14:00:00+03:00");

        // 12 Nov: L, a notification received Thu 20 Aug and recorded only now. Decision due: 21, 24, 25, 26, 27, 28, 31
        // -> Mon 31 Aug. D's assessment concluded Thu 15 Oct (after the period) and H's Fri 25 Sep (in it, due 3 Nov),
        // both recorded now.
        On("2026-11-12T10:00:00+02:00");
        var l = await Register(worker);
        var lConcern = await Concern(worker, l, l.Children, "2026-08-20T10:00:00+03:00", expectDecisionDue: "2026-08-31");
        await Urgency(worker, l, lConcern, "2026-08-20T11:00:00+03:00");
        foreach (var child in d.Children)
        {
            await Hear(worker, d, dAssessment, child, "2026-10-14T10:00:00+03:00");
        }
        await Conclude(worker, d, dAssessment, "2026-10-15T12:00:00+03:00");
        await Hear(worker, h, hAssessment, h.Children[0], "2026-09-24T10:00:00+03:00");
        await Conclude(worker, h, hAssessment, "2026-09-25T12:00:00+03:00");

        // 16 Nov: J's family is registered and the waiting notification placed on it.
        On("2026-11-16T10:00:00+02:00");
        var j = await Register(worker, firstChildCode: jCode);
        await (await worker.PostJson($"/api/intake/{jConcern}/link", new { familyId = j.Id })).Ok();

        return new HalfYear(periodEndJson, periodEndCsv, east, f, fConcern, l, lConcern, k, kAssessment, p, pAssessment);
    }

    // ---- The scenario's vocabulary. ----

    private sealed record HalfYear(Answer PeriodEndJson, Answer PeriodEndCsv, Answer East, Family F, Guid FConcern, Family L, Guid LConcern,
        Family K, Guid KAssessment, Family P, Guid PAssessment);

    private sealed record Family(Guid Id, List<Guid> Children, List<string?> Codes);

    private sealed record Answer(string Body, JsonNode? Json);

    private void On(string moment) => host.Clock.SetTo(DateTimeOffset.Parse(moment, CultureInfo.InvariantCulture));

    private static Guid Id(JsonNode body, string field) => Guid.Parse(body[field]!.GetValue<string>());

    private static async Task<Family> Register(HttpClient worker, int children = 1, string? firstChildCode = null)
    {
        var codes = Enumerable.Range(0, children).Select(n => n == 0 && firstChildCode is not null ? firstChildCode : TestPeople.Born(2014, 9, 1 + n)).ToList();
        var body = await (await worker.PostJson("/api/families", new
        {
            children = codes.Select((code, n) => new { personId = code, name = n == 0 ? "Aino" : "Eino" }),
            guardians = new[] { new { personId = TestPeople.Born(1990, 2, 2), name = "Maria", relation = "mother" } },
            municipality = "Tampere", languages = new[] { "fi" },
        })).Ok(HttpStatusCode.Created);
        return new Family(Id(body, "familyId"), [.. body["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>()))], [.. codes]);
    }

    private static async Task<Family> RegisterExpecting(HttpClient worker, string expectedBirthDate)
    {
        var body = await (await worker.PostJson("/api/families", new
        {
            children = new[] { new { expectedBirthDate } },
            guardians = new[] { new { personId = TestPeople.Born(1996, 6, 6), name = "Emma", relation = "mother" } },
            municipality = "Tampere", languages = new[] { "fi" },
        })).Ok(HttpStatusCode.Created);
        return new Family(Id(body, "familyId"), [.. body["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>()))], [null]);
    }

    private static async Task<Guid> Concern(HttpClient worker, Family family, IEnumerable<Guid> children, string receivedAt,
        string? expectDecisionDue, string kind = "child-welfare-notification", object? source = null)
    {
        var body = await (await worker.PostJson($"/api/families/{family.Id}/concerns", new
        {
            childIds = children, kind, receivedAt,
            source = source ?? new { agency = "school-welfare", organisation = "Tampere", reporterRole = "teacher", anonymous = false },
            description = "Repeated absences and the child says there is no food at home.", suspectedOffence = "none", policeReported = false,
        })).Ok(HttpStatusCode.Created);
        if (expectDecisionDue is not null)
        {
            Assert.Equal(expectDecisionDue, body["decisionDue"]!.GetValue<string>());
        }
        return Id(body, "concernId");
    }

    private static async Task<Guid> Notify(HttpClient notifier, string personId, string receivedAt, string? expectDecisionDue)
    {
        var body = await (await notifier.PostJson("/api/concerns", new
        {
            child = new { personId, name = "Aino" }, kind = "child-welfare-notification", receivedAt,
            source = new { agency = "school-welfare", organisation = "Hervannan koulu", reporterRole = "kuraattori", anonymous = false },
            description = "Repeated absences and the child says there is no food at home.", suspectedOffence = "none", policeReported = false,
        })).Ok(HttpStatusCode.Accepted);
        if (expectDecisionDue is not null)
        {
            Assert.Equal(expectDecisionDue, body["decisionDue"]!.GetValue<string>());
        }
        return Id(body, "concernId");
    }

    private static async Task WaitUntilPlaced(HttpClient worker, Guid concernId)
    {
        for (var n = 0; n < 200; n++)
        {
            var seen = await worker.GetAsync($"/api/concerns/{concernId}");
            if (seen.StatusCode == HttpStatusCode.OK && (await seen.Json())["familyId"] is not null)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"The notification {concernId} was not placed on its family.");
    }

    private static async Task WaitUntilUnmatched(HttpClient worker, Guid concernId)
    {
        for (var n = 0; n < 200; n++)
        {
            var waiting = (await (await worker.GetAsync("/api/intake?status=unmatched&limit=200")).Ok()).AsArray();
            if (waiting.Any(w => w!["concernId"]!.GetValue<string>() == concernId.ToString()))
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"The notification {concernId} did not wait unmatched in the intake.");
    }

    private static async Task Urgency(HttpClient worker, Family family, Guid concernId, string assessedAt) =>
        await (await worker.PostJson($"/api/families/{family.Id}/concerns/{concernId}/urgency",
            new { urgent = false, assessedAt, reasoning = "No immediate danger." })).Ok();

    private static async Task<JsonNode> StartAssessment(HttpClient worker, Family family, Guid concernId, string decidedAt,
        HttpStatusCode status = HttpStatusCode.Created) =>
        await (await worker.PostJson($"/api/families/{family.Id}/concerns/{concernId}/decision",
            new { decision = "start-assessment", decidedAt, childAndGuardianInformedAt = decidedAt })).Ok(status);

    private static async Task NoAssessment(HttpClient worker, Family family, Guid concernId, string decidedAt) =>
        await (await worker.PostJson($"/api/families/{family.Id}/concerns/{concernId}/decision",
            new { decision = "no-assessment-needed", decidedAt, reason = "The family manages with the school's support.", childAndGuardianInformedAt = decidedAt }))
            .Ok();

    private static async Task Hear(HttpClient worker, Family family, Guid assessmentId, Guid childId, string heardAt) =>
        await (await worker.PostJson($"/api/families/{family.Id}/assessments/{assessmentId}/child-hearings",
            new { childId, heardAt, method = "in-person", views = "Wants to stay at home and go to school." })).Ok(HttpStatusCode.Created);

    private static async Task Conclude(HttpClient worker, Family family, Guid assessmentId, string concludedAt) =>
        await (await worker.PostJson($"/api/families/{family.Id}/assessments/{assessmentId}/conclusion",
            new { outcome = "social-welfare-services", summary = "Family work at home.", clientOpinion = "The mother agrees.", namedWorkerNeeded = false, concludedAt }))
            .Ok();

    private static async Task<Answer> Report(HttpClient client, string? knownAt, bool csv = false)
    {
        var url = $"/api/reports/processing-times?from={From}&to={To}" + (knownAt is null ? "" : $"&knownAt={Uri.EscapeDataString(knownAt)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (csv)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        }
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        Assert.Equal(csv ? "text/csv" : "application/json", response.Content.Headers.ContentType?.MediaType);
        return new Answer(body, csv ? null : JsonNode.Parse(body));
    }

    private void AssertFigures(Answer report, string organisation, string? knownAt, int pending, int decidedInTime, int decidedLate,
        int undecidedPastDeadline, int completed, int completedInTime, int completedLate, int openPastDeadline)
    {
        var json = report.Json!;
        Assert.Equal(organisation, json["organisation"]!.GetValue<string>());
        Assert.Equal(From, json["from"]!.GetValue<string>());
        Assert.Equal(To, json["to"]!.GetValue<string>());
        var moment = DateTimeOffset.Parse(json["knownAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        if (knownAt is not null)
        {
            Assert.Equal(DateTimeOffset.Parse(knownAt, CultureInfo.InvariantCulture), moment);
        }
        else
        {
            // Left out, knownAt is a minute before the service's clock (the report's minute of settling).
            var settled = host.Clock.GetUtcNow().AddMinutes(-1);
            Assert.InRange(moment, settled.AddSeconds(-10), settled);
        }
        var expected = new Dictionary<string, int>
        {
            ["pending"] = pending, ["decidedInTime"] = decidedInTime, ["decidedLate"] = decidedLate,
            ["undecidedPastDeadline"] = undecidedPastDeadline, ["completed"] = completed, ["completedInTime"] = completedInTime,
            ["completedLate"] = completedLate, ["openPastDeadline"] = openPastDeadline,
        };
        var actual = expected.Keys.ToDictionary(key => key, key => json[key]!.GetValue<int>());
        Assert.Equal(expected, actual);
    }

    private static void AssertCsv(Answer report, string organisation, string knownAt, string figures)
    {
        var lines = report.Body.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        Assert.Equal(2, lines.Count);
        Assert.Equal(CsvHeader, lines[0]);
        var row = lines[1].Split(',');
        Assert.Equal(12, row.Length);
        Assert.Equal($"\"{organisation}\"", row[0]);
        Assert.Equal(new[] { From, To }, row[1..3]);
        // The CSV writes the moment to the microsecond (as PostgreSQL holds it); a JSON knownAt of "now" carries 100 ns ticks.
        var moment = DateTimeOffset.Parse(knownAt, CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.Parse(row[3], CultureInfo.InvariantCulture), moment.AddTicks(-9), moment);
        Assert.Equal(figures, string.Join(',', row[4..]));
    }
}
