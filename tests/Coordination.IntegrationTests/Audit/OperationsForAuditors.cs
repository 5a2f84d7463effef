using System.Diagnostics;
using System.Net;
using System.Text;
using Coordination.Families;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.SituationalPicture;
using Coordination.Deadlines;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;

namespace Coordination.IntegrationTests.Audit;

public sealed class OperationsForAuditors(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static readonly string[] ReadModels = ["mt_doc_familypicture", "mt_doc_family", "mt_doc_familymembers", "mt_doc_contributioncontent", "mt_doc_processingrecord", "mt_doc_waitinginvitation",
        "mt_doc_team", "mt_doc_teamcase", "mt_doc_systemicrecord", "mt_doc_concernlocation", "mt_doc_deadlineentry", "mt_doc_deadlinebook", "mt_doc_familyreach"];

    private Task<StatutoryPath> BusyFamily() => AuditScenarios.BusyFamily(host);

    internal static async Task<StatutoryPath> BusyFamilyOf(CoordinationHost host)
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 2);
        var guardian = Guid.Parse((await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["guardians"]![0]!["id"]!.GetValue<string>());
        var invitation = await path.Invite("child-psychiatry");
        var entry = await (await host.ClientFor(Caller.Psychiatrist()).PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, "psychiatric-entry", "atl-53-5", invitation))).Ok(HttpStatusCode.Created);
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/contributions/{entry["contributionId"]!.GetValue<string>()}/confirmations",
            new { purpose = "assessment", justification = "Needed." })).Ok();
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents",
            new { givenBy = guardian, recipients = new[] { "school-welfare" }, dataCategories = new[] { "assessment-contributions" }, purpose = "x" })).Ok(HttpStatusCode.Created);
        await path.HearAll();
        return path;
    }

    private async Task<Dictionary<string, string>> Snapshot()
    {
        var all = new Dictionary<string, string>();
        await using var connection = host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        foreach (var table in ReadModels)
        {
            await using var command = new NpgsqlCommand($"select tenant_id, id::text, data::text from {host.Schema}.{table} order by tenant_id, id::text", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                all[$"{table}/{reader.GetString(0)}/{reader.GetString(1)}"] = Coordination.Audit.HashChain.CanonicalJson(reader.GetString(2));
            }
        }
        return all;
    }

    [Fact]
    public async Task rebuilding_every_projection_produces_exactly_the_same_read_models()
    {
        await BusyFamily();
        await BusyFamily();
        await SystemicTeams.TeamWork.OnAFamily(host);
        // A family whose record also holds what a school system sent: a concern and the three kinds of school report.
        var school = await SchoolWelfare.SchoolSystem.RegisterAsync(host);
        var pupil = SchoolWelfare.TestPupil.New();
        await pupil.RegisterFamilyAsync(host.ClientFor(Caller.SocialWorker()));
        foreach (var message in new[]
                 {
                     SchoolWelfare.SchoolMessagesFor.WelfareConcern(pupil.PersonId, "rebuild-1"), SchoolWelfare.SchoolMessagesFor.ExpertGroupMeeting(pupil.PersonId, "rebuild-2"),
                     SchoolWelfare.SchoolMessagesFor.AbsenceAlert(pupil.PersonId, "rebuild-3"), SchoolWelfare.SchoolMessagesFor.WelfareStatus(pupil.PersonId, "rebuild-4"),
                 })
        {
            await school.AcceptedAsync(message);
        }
        foreach (var id in new[] { "rebuild-1", "rebuild-2", "rebuild-3", "rebuild-4" })
        {
            Assert.Equal("processed", (await school.SettledAsync(id))["status"]!.GetValue<string>());
        }
        var before = await Snapshot();
        Assert.Contains(before, row => row.Key.StartsWith("mt_doc_familypicture/", StringComparison.Ordinal)
                                       && row.Value.Contains("\"schoolReports\":[{", StringComparison.Ordinal));

        using var daemon = await host.Store.BuildProjectionDaemonAsync();
        var timeout = TimeSpan.FromMinutes(2);
        await daemon.RebuildProjectionAsync<FamilyPicture>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<Family>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<FamilyMembers>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync("ContributionContents", timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<Coordination.Reports.ProcessingRecord>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<Coordination.Worklists.WaitingInvitation>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<Coordination.SystemicTeams.Team>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<Coordination.SystemicTeams.TeamCase>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync<Coordination.SystemicTeams.SystemicRecord>(timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync("ConcernLocations", timeout, CancellationToken.None);
        await daemon.RebuildProjectionAsync(Coordination.Deadlines.DeadlineEntryProjection.Name, timeout, CancellationToken.None);
        var after = await Snapshot();

        Assert.NotEmpty(before);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (key, json) in before)
        {
            var other = after[key];
            var at = Enumerable.Range(0, Math.Min(json.Length, other.Length)).FirstOrDefault(i => json[i] != other[i], Math.Min(json.Length, other.Length));
            Assert.True(json == other, $"{key} differs after the rebuild at {at}:\nbefore …{json[Math.Max(0, at - 150)..Math.Min(json.Length, at + 150)]}\nafter  …{other[Math.Max(0, at - 150)..Math.Min(other.Length, at + 150)]}");
        }
    }

    internal static async Task<(int, string)> RunVerb(CoordinationHost host, params string[] args)
    {
        // The service's own build output, as an operator runs it (the test's folder holds test assemblies the command
        // discovery would try to load).
        var testOutput = Path.GetDirectoryName(typeof(OperationsForAuditors).Assembly.Location)!;
        var serviceOutput = testOutput.Replace(Path.Combine("tests", "Coordination.IntegrationTests"), Path.Combine("src", "Coordination"), StringComparison.Ordinal);
        var info = new ProcessStartInfo("dotnet", [Path.Combine(serviceOutput, "Coordination.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = serviceOutput,
        };
        info.Environment["ConnectionStrings__Coordination"] = await PostgresServer.ConnectionString;
        info.Environment["Storage__Schema"] = host.Schema;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}

/// <summary>In its own class (its own schema): it tampers with the store on purpose.</summary>
public sealed class TheVerifyIntegrityVerb(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private CoordinationHost Host => host;

    private Task<StatutoryPath> BusyFamily() => AuditScenarios.BusyFamily(host);

    private Task<(int, string)> RunVerb(params string[] args) => OperationsForAuditors.RunVerb(host, args);

    [Fact]
    public async Task the_verify_integrity_verb_lists_the_broken_streams_of_an_organisation()
    {
        var intact = await BusyFamily();
        var tampered = await BusyFamily();
        var (team, teamFamily) = await SystemicTeams.TeamWork.OnAFamily(Host);
        await using (var connection = Host.Store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"update {Host.Schema}.mt_events set data = jsonb_set(data, '{{reasoning}}', '\"changed\"') where stream_id = @id and version = 3", connection);
            command.Parameters.AddWithValue("id", tampered.FamilyId);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var (exitCode, output) = await RunVerb("verify-integrity", intact.SocialWorker.Org);

        Assert.True(exitCode == 1, output);
        Assert.Contains($"BROKEN {tampered.FamilyId} first broken version 3", output, StringComparison.Ordinal);
        Assert.DoesNotContain(intact.FamilyId.ToString(), output, StringComparison.Ordinal);
        // Team streams are sealed the same way and verified with the families.
        Assert.DoesNotContain(team.TeamId.ToString(), output, StringComparison.Ordinal);
        Assert.DoesNotContain(teamFamily.FamilyId.ToString(), output, StringComparison.Ordinal);
        Assert.Contains("4 streams", output, StringComparison.Ordinal);
        Assert.Contains("1 broken", output, StringComparison.Ordinal);
    }

}

internal static class AuditScenarios
{
    public static Task<StatutoryPath> BusyFamily(CoordinationHost host) => OperationsForAuditors.BusyFamilyOf(host);
}
