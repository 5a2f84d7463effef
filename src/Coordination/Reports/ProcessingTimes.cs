using System.Globalization;
using Coordination.Audit;
using Coordination.Calendar;
using Coordination.Deadlines;
using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace Coordination.Reports;

/// <summary>
/// The figures a county reports to THL for a period (LsL 26 §), counted by docs/reports.md. Aggregate counts only.
/// </summary>
public sealed record ProcessingTimesReport(
    string Organisation,
    DateOnly From,
    DateOnly To,
    DateTimeOffset KnownAt,
    int Pending,
    int DecidedInTime,
    int DecidedLate,
    int UndecidedPastDeadline,
    int Completed,
    int CompletedInTime,
    int CompletedLate,
    int OpenPastDeadline)
{
    public static readonly string CsvHeader =
        "organisation,from,to,knownAt,pending,decidedInTime,decidedLate,undecidedPastDeadline,completed,completedInTime,completedLate,openPastDeadline";

    /// <summary>One row; the organisation quoted as RFC 4180 asks, everything else is numbers and ISO dates.</summary>
    public string CsvRow() => string.Join(",",
        "\"" + Organisation.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        KnownAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
        Pending, DecidedInTime, DecidedLate, UndecidedPastDeadline, Completed, CompletedInTime, CompletedLate, OpenPastDeadline);
}

public static class ProcessingTimesEndpoint
{
    public const string CsvMediaType = "text/csv";

    /// <summary>A report covers at most this many days: THL's periods are half-years; a year is allowed for a county's own use.</summary>
    public const int MaxPeriodDays = 366;

    /// <summary>
    /// How far behind now the latest <c>knownAt</c> is. A fact is stamped as recorded when it is written, a moment before its
    /// transaction commits (milliseconds; a write waiting on a lock gives up after seconds): a report "as known" at a moment
    /// this close to now could miss a write still committing and count it when asked again.
    /// </summary>
    public static readonly TimeSpan SettlingTime = TimeSpan.FromMinutes(1);

    /// <summary>At the database's precision, so the answer's knownAt, given back, is the same moment (JSON and CSV alike).</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset t) => new(t.Ticks - (t.Ticks % 10), t.Offset);

    /// <summary>
    /// THL's processing-times figures for <c>from</c>..<c>to</c> (Helsinki dates, both included) as recorded by
    /// <c>knownAt</c> (default: a minute ago, <see cref="SettlingTime"/>): the same <c>knownAt</c> gives the same figures
    /// whatever is recorded later. For a role
    /// <c>admin</c> or <c>auditor</c> of the organisation. JSON, or one CSV row with a header for <c>Accept: text/csv</c>.
    /// </summary>
    [WolverineGet("/api/reports/processing-times", OperationId = "processingTimesReport")]
    [UseLogged(Audit.AccessPurpose.Reporting)]
    [Tags("Reports")]
    [ProducesResponseType<ProcessingTimesReport>(StatusCodes.Status200OK, "application/json", CsvMediaType)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(string? from, string? to, string? knownAt, IDocumentStore store, AccessLog log, HttpContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.Has(Role.Admin) && !caller.Has(Role.Auditor))
        {
            return Problems.Result(Problems.Forbidden("The processing-times report is for an admin or an auditor of the organisation."));
        }
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var first = QueryValues.Date(from, "from", errors, required: true);
        var last = QueryValues.Date(to, "to", errors, required: true);
        var settled = now - SettlingTime;
        var moment = Microseconds(QueryValues.Moment(knownAt, "knownAt", errors, requireOffset: true) ?? settled);
        if (first is { } f && last is { } l)
        {
            if (l < f)
            {
                errors["to"] = ["to is on or after from."];
            }
            else if (l.DayNumber - f.DayNumber + 1 > MaxPeriodDays)
            {
                errors["to"] = [$"A period is at most {MaxPeriodDays} days (THL's are half-years)."];
            }
        }
        if (moment > settled)
        {
            // What will be known later is not known yet: a fact is stamped as recorded a moment before its transaction commits,
            // so figures for a later knownAt could still change.
            errors["knownAt"] = [$"knownAt is at least {SettlingTime.TotalSeconds:0} seconds ago (writes of the last moments may still be committing): leave it out for the latest."];
        }
        else if (moment < Writing.Refusals.EarliestCaseTime)
        {
            errors["knownAt"] = ["knownAt is before 2000: nothing was recorded then."];
        }
        var (purpose, invalidPurpose) = AccessPurpose.Read(context, AccessPurpose.Reporting);
        if (invalidPurpose is not null || errors.Count > 0)
        {
            return Problems.Result(invalidPurpose ?? Problems.Invalid(errors));
        }

        var report = await ProcessingTimesQuery.ReadAsync(store, caller.Organisation, first!.Value, last!.Value, moment.ToUniversalTime(), ct);
        // No personal data leaves, but the figures are made of client records: the read is use-logged (ATL 10 §).
        if (await log.TryRecordAsync(caller.Organisation, [AccessLogEntry.Use(caller, null, "processing-times-report", purpose!)], ct) is { } failed)
        {
            return failed;
        }
        return WantsCsv(context)
            ? Results.Text(ProcessingTimesReport.CsvHeader + "\r\n" + report.CsvRow() + "\r\n", CsvMediaType + "; charset=utf-8; header=present")
            : Results.Ok(report);
    }

    /// <summary>CSV when the most preferred media type the caller accepts is <c>text/csv</c>; JSON otherwise (also for <c>*/*</c>).</summary>
    private static bool WantsCsv(HttpContext context) =>
        context.Request.GetTypedHeaders().Accept.Where(a => a.Quality is null or > 0)
            .OrderByDescending(a => a.Quality ?? 1).FirstOrDefault() is { } preferred
        && preferred.MediaType.Equals(CsvMediaType, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Counts the figures in PostgreSQL, as of <c>knownAt</c>: each matter and assessment counts by the facts of it recorded by
/// then (<see cref="ProcessingRecord"/>), so later facts, back-dated or not, cannot change them. One statement over the
/// families whose figures can fall in the period (indexed), and one over the intake's matters not yet on a family.
/// </summary>
public static class ProcessingTimesQuery
{
    public static async Task<ProcessingTimesReport> ReadAsync(IDocumentStore store, string organisation, DateOnly from, DateOnly to,
        DateTimeOffset knownAt, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        var knownOn = FinnishCalendar.HelsinkiDate(knownAt);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // our own tables; every value is a parameter
        command.CommandText = $"""
            with f as (
              select data from {schema}.mt_doc_processingrecord
              where tenant_id = @org and active_from <= @to and active_until >= @prune
            ), m as (
              select (x ->> 'children')::int n, (x ->> 'receivedOn')::date received_on, (x ->> 'decisionDue')::date due,
                     (x ->> 'decidedOn')::date decided_on, (x ->> 'decidedKnownAt')::timestamptz <= @k decided
              from f cross join lateral jsonb_array_elements(f.data -> 'matters') x
              where (x ->> 'knownAt')::timestamptz <= @k and (x ->> 'receivedOn')::date between @from and @to
            ), a as (
              select (x ->> 'completionDue')::date due, (x ->> 'startedOn')::date started_on,
                     case when (x ->> 'concludedKnownAt')::timestamptz <= @k then (x ->> 'concludedOn')::date end concluded_on
              from f cross join lateral jsonb_array_elements(f.data -> 'assessments') x
              where (x ->> 'knownAt')::timestamptz <= @k
            )
            select
              (select coalesce(sum(n), 0) from m),
              (select coalesce(sum(n) filter (where decided and decided_on <= due), 0) from m),
              (select coalesce(sum(n) filter (where decided and decided_on > due), 0) from m),
              (select coalesce(sum(n) filter (where decided is not true and due < @knownOn), 0) from m),
              (select count(*) filter (where concluded_on between @from and @to) from a),
              (select count(*) filter (where concluded_on between @from and @to and concluded_on <= due) from a),
              (select count(*) filter (where concluded_on between @from and @to and concluded_on > due) from a),
              (select count(*) filter (where started_on <= @to and (concluded_on is null or concluded_on > @to) and due <= @to) from a)
            """;
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter("org", organisation));
        command.Parameters.Add(new NpgsqlParameter("from", from));
        command.Parameters.Add(new NpgsqlParameter("to", to));
        command.Parameters.Add(new NpgsqlParameter("k", knownAt));
        command.Parameters.Add(new NpgsqlParameter("knownOn", knownOn));
        command.Parameters.Add(new NpgsqlParameter("prune", from < knownOn ? from : knownOn));
        int[] figures;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            figures = [.. Enumerable.Range(0, 8).Select(i => Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture))];
        }

        // Matters still in the intake at knownAt (not yet on a family): pending, and past their decision deadline once it passed.
        var waiting = await IntakeReceiptsAsync(connection, schema, organisation, from, to, knownAt, ct);
        var intakePending = waiting.Count;
        var intakePast = waiting.Count(received => DeadlineRules.DecisionDue(received) < knownOn);

        return new ProcessingTimesReport(organisation, from, to, knownAt, figures[0] + intakePending, figures[1], figures[2],
            figures[3] + intakePast, figures[4], figures[5], figures[6], figures[7]);
    }

    /// <summary>
    /// When each matter waiting in the intake at <paramref name="knownAt"/> was received: notifications, and school systems'
    /// welfare concerns, received in the period and accepted by then, whose concern on a family was not yet recorded by then
    /// (so a matter counts here until the very moment it counts on its family). Each names one child.
    /// </summary>
    private static async Task<List<DateTimeOffset>> IntakeReceiptsAsync(NpgsqlConnection connection, string schema, string organisation,
        DateOnly from, DateOnly to, DateTimeOffset knownAt, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // our own tables; every value is a parameter
        command.CommandText = $"""
            select (n.data -> 'content' ->> 'receivedAt')::timestamptz
            from {schema}.mt_doc_notification n
            where n.tenant_id = @org and (n.data ->> 'acceptedAt')::timestamptz <= @k
              and ((n.data -> 'content' ->> 'receivedAt')::timestamptz at time zone 'Europe/Helsinki')::date between @from and @to
              and not exists (
                select 1 from {schema}.mt_doc_processingrecord p cross join lateral jsonb_array_elements(p.data -> 'matters') m
                where p.tenant_id = @org and p.id = (n.data ->> 'familyId')::uuid
                  and m ->> 'concernId' = n.id::text and (m ->> 'knownAt')::timestamptz <= @k)
            union all
            select (s.data ->> 'receivedAt')::timestamptz
            from {schema}.mt_doc_inboundmessage s
            where s.tenant_id = @org and s.data ->> 'type' = @concern and s.data ->> 'status' <> @rejected
              and (s.data ->> 'receivedAt')::timestamptz <= @k
              and ((s.data ->> 'receivedAt')::timestamptz at time zone 'Europe/Helsinki')::date between @from and @to
              and not exists (
                select 1 from {schema}.mt_doc_processingrecord p cross join lateral jsonb_array_elements(p.data -> 'matters') m
                where p.tenant_id = @org and p.id = (s.data ->> 'familyId')::uuid
                  and m ->> 'viaMessage' = s.id and (m ->> 'knownAt')::timestamptz <= @k)
            """;
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter("org", organisation));
        command.Parameters.Add(new NpgsqlParameter("from", from));
        command.Parameters.Add(new NpgsqlParameter("to", to));
        command.Parameters.Add(new NpgsqlParameter("k", knownAt));
        command.Parameters.Add(new NpgsqlParameter("concern", Kebab.Name(SchoolWelfare.SchoolMessageType.WelfareConcern)));
        command.Parameters.Add(new NpgsqlParameter("rejected", SchoolWelfare.InboundStatus.Rejected));
        var received = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            received.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }
        return received;
    }
}
