using System.Text.Json.Nodes;
using Coordination.Deadlines;
using Coordination.Identity;
using Coordination.SchoolWelfare;
using Npgsql;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// Each list's own statement, as the code builds it, explained on the real host's schema: its page is an ordered range of
/// the index meant for it (no Sort over the organisation's rows, no sequential scan). The tables are small here, so
/// sequential and bitmap scans are switched off for the explanation (the usual way to ask "can an index serve this in
/// this order?"); a plan that still sorts or scans could not be served by any index.
/// </summary>
public sealed class IndexServedReads(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static readonly Professional Admin =
        new("sw-7", "Alli Admin", Orgs.Pirkanmaa, Agency.SocialWork, new HashSet<Role> { Role.Admin });

    private static readonly Professional SocialWorker =
        new("sw-explain", "Sanna", Orgs.Pirkanmaa, Agency.SocialWork, new HashSet<Role> { Role.Caseworker });

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly HashSet<string> Filled = [];

    /// <summary>
    /// A few families through the API, then a county's years of deadlines as rows of their table (20,000, 400 responsible
    /// professionals, nine in ten met), analysed, so the planner weighs the indexes as it would at a county's size.
    /// </summary>
    private async Task SomeFamiliesAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (!Filled.Add(host.Schema))
            {
                return;
            }
            for (var i = 0; i < 3; i++)
            {
                await (await (await new StatutoryPath(host, Caller.SocialWorker()).Registered(1)).WithConcern()).UrgencyAssessed();
            }
            await using var connection = new NpgsqlConnection(await PostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using var fill = new NpgsqlCommand($"""
                insert into {host.Schema}.mt_doc_deadlineentry (tenant_id, id, data, mt_version, family_id, due_date, met_on, missed, responsible_id)
                select @org, md5(n::text) || '/assessment-decision:' || md5((n + 1)::text), '{"{}"}'::jsonb, gen_random_uuid(),
                       md5(n::text)::uuid, date '2024-01-01' + (n % 1100), case when n % 10 = 0 then null else date '2024-01-01' + (n % 1100) - (n % 3) + 1 end,
                       false, 'sw-' || (n % 400)
                from generate_series(1, 20000) n;
                analyze {host.Schema}.mt_doc_deadlineentry;
                """, connection);
            fill.Parameters.Add(new NpgsqlParameter("org", Orgs.Pirkanmaa));
            await fill.ExecuteNonQueryAsync();
        }
        finally
        {
            Once.Release();
        }
    }

    /// <summary>Each filter of an admin's list and the index whose range serves it (mine: the responsible's).</summary>
    public static TheoryData<string?, bool, bool, string> DeadlinePages => new()
    {
        { null, false, false, "deadline_entry_by_due" },
        { null, false, true, "deadline_entry_by_due" },
        { "open", false, false, "deadline_entry_unmet" },
        { "due-soon", false, true, "deadline_entry_unmet" },
        { "overdue", false, false, "deadline_entry_unmet" },
        { "met", false, false, "deadline_entry_by_due" },
        { "met-late", false, true, "deadline_entry_met_late" },
        { null, true, false, "deadline_entry_by_responsible" },
        { "met", true, true, "deadline_entry_by_responsible" },
        { "open", true, false, "deadline_entry_mine_unmet" },
        { "overdue", true, true, "deadline_entry_mine_unmet" },
    };

    [Theory(Timeout = 120000)]
    [MemberData(nameof(DeadlinePages))]
    public async Task an_admins_deadline_page_is_an_ordered_range_of_its_index(string? state, bool mine, bool afterCursor, string index)
    {
        await SomeFamiliesAsync();
        var q = new DeadlineQuery(state is null ? null : Kebab.Parse<DeadlineState>(state), new DateOnly(2026, 12, 1), 7, mine,
            afterCursor ? new DeadlineCursor(new DateOnly(2026, 12, 3), Guid.NewGuid(), "assessment-decision:" + Guid.NewGuid().ToString("N")) : null, 51);
        await using var command = DeadlineRows.Command(host.Schema, Admin, wholeOrganisation: true, new HashSet<Guid>(), q);
        var plan = await ExplainAsync(command, bitmaps: false);
        AssertOrderedRange(plan, "mt_doc_deadlineentry", index);
    }

    [Fact(Timeout = 120000)]
    public async Task a_caseworkers_deadline_page_reads_only_the_families_they_relate_to_through_indexes()
    {
        await SomeFamiliesAsync();
        var q = new DeadlineQuery(DeadlineState.Open, new DateOnly(2026, 12, 1), 7, false, null, 51);
        await using var command = DeadlineRows.Command(host.Schema, SocialWorker, wholeOrganisation: false, new HashSet<Guid> { Guid.NewGuid() }, q);
        var plan = await ExplainAsync(command, bitmaps: true);
        var nodes = Nodes(plan).ToList();
        Assert.DoesNotContain(nodes, n => n["Node Type"]?.GetValue<string>() == "Seq Scan");
        // The families come from the relationships' GIN index or the entries' index; either way no table is read whole.
        Assert.Contains(nodes, n => n["Index Name"]?.GetValue<string>() is { } name
                                    && (name.StartsWith("deadline_entry", StringComparison.Ordinal) || name.Contains("relationships", StringComparison.Ordinal)));
        // The relationships are read from the small FamilyReach rows, never from the families' write models (8 KB each, TOASTed).
        Assert.DoesNotContain(nodes, n => n["Relation Name"]?.GetValue<string>() == "mt_doc_family");
        Assert.Contains(nodes, n => n["Relation Name"]?.GetValue<string>() == Coordination.Access.FamilyReachProjection.Table);
    }

    [Theory(Timeout = 120000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task an_intake_page_is_an_ordered_range_of_its_index(bool afterCursor)
    {
        await SomeFamiliesAsync();
        await using var command = new NpgsqlCommand(Coordination.Intake.UnmatchedNotifications.Sql(host.Schema, afterCursor));
        command.Parameters.Add(new NpgsqlParameter("org", Orgs.Pirkanmaa));
        command.Parameters.Add(new NpgsqlParameter("status", Coordination.Intake.NotificationStatus.Unmatched));
        command.Parameters.Add(new NpgsqlParameter("limit", 51));
        if (afterCursor)
        {
            command.Parameters.Add(new NpgsqlParameter("afterAt", DateTimeOffset.UtcNow));
            command.Parameters.Add(new NpgsqlParameter("afterId", Guid.NewGuid()));
        }
        AssertOrderedRange(await ExplainAsync(command, bitmaps: false), Coordination.Intake.UnmatchedNotifications.Table, "notification_waiting");
    }

    [Theory(Timeout = 120000)]
    [InlineData(InboundStatus.Unmatched, false)]
    [InlineData(InboundStatus.Unmatched, true)]
    [InlineData(InboundStatus.Received, true)]
    public async Task a_school_message_page_is_an_ordered_range_of_its_index(string status, bool afterCursor)
    {
        await SomeFamiliesAsync();
        await using var command = new NpgsqlCommand(WaitingMessages.Sql(host.Schema, afterCursor));
        command.Parameters.Add(new NpgsqlParameter("org", Orgs.Pirkanmaa));
        command.Parameters.Add(new NpgsqlParameter("status", status));
        command.Parameters.Add(new NpgsqlParameter("limit", 51));
        if (afterCursor)
        {
            command.Parameters.Add(new NpgsqlParameter("afterAt", DateTimeOffset.UtcNow));
            command.Parameters.Add(new NpgsqlParameter("afterId", "wilma/msg-1"));
        }
        AssertOrderedRange(await ExplainAsync(command, bitmaps: false), WaitingMessages.Table, "inbound_message_waiting");
    }

    [Fact(Timeout = 120000)]
    public async Task the_indexes_match_their_definitions_so_a_restart_changes_nothing()
    {
        // Weasel compares each index with the database's; one it read back differently would be dropped and built again on every start.
        await host.Store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
    }

    /// <summary>The plan's first node reads <paramref name="table"/> through <paramref name="index"/>, under at most a Limit, and nothing sorts.</summary>
    internal static void AssertOrderedRange(JsonNode plan, string table, string index)
    {
        var nodes = Nodes(plan).ToList();
        var summary = string.Join(" > ", nodes.Select(n => $"{n["Node Type"]}{(n["Index Name"] is { } i ? $" ({i})" : "")}"));
        Assert.DoesNotContain(nodes, n => n["Node Type"]!.GetValue<string>() is "Sort" or "Incremental Sort" or "Seq Scan" or "Bitmap Heap Scan");
        Assert.True(nodes.Any(n => n["Node Type"]!.GetValue<string>() is "Index Scan" or "Index Only Scan"
                                   && n["Relation Name"]?.GetValue<string>() == table && n["Index Name"]?.GetValue<string>() == index),
            $"expected an index scan of {table} using {index}; the plan is {summary}");
    }

    internal static IEnumerable<JsonNode> Nodes(JsonNode node)
    {
        yield return node;
        foreach (var child in node["Plans"]?.AsArray() ?? [])
        {
            foreach (var n in Nodes(child!))
            {
                yield return n;
            }
        }
    }

    /// <summary>EXPLAIN (FORMAT JSON) of the command with its own parameters, sequential scans (and bitmaps) switched off.</summary>
    internal static async Task<JsonNode> ExplainAsync(NpgsqlCommand command, bool bitmaps)
    {
        await using var connection = new NpgsqlConnection(await PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand($"set local enable_seqscan = off; set local enable_bitmapscan = {(bitmaps ? "on" : "off")}", connection, transaction))
        {
            await set.ExecuteNonQueryAsync();
        }
        command.Connection = connection;
        command.Transaction = transaction;
        command.CommandText = "explain (format json) " + command.CommandText;
        var json = (string)(await command.ExecuteScalarAsync())!;
        return JsonNode.Parse(json)![0]!["Plan"]!;
    }
}
