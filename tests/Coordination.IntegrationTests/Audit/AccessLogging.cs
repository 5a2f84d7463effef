using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Npgsql;

namespace Coordination.IntegrationTests.Audit;

public sealed class AccessLogging(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private sealed record Row(string Kind, Guid? FamilyId, string Data, string? OwnerAgency, string ProfessionalId, string ProfessionalName,
        string Agency, string Purpose, string? Basis);

    private async Task<List<Row>> LogOf(string professionalId)
    {
        await using var connection = host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select kind, family_id, data, owner_agency, professional_id, professional_name, agency, purpose, basis from {host.Schema}.access_log where professional_id = @p order by id",
            connection);
        command.Parameters.AddWithValue("p", professionalId);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return rows;
    }

    [Fact]
    public async Task a_picture_read_leaves_one_use_entry_and_a_disclosure_entry_per_contribution_of_another_agency()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var invitation = await path.Invite("family-work");
        var familyWorker = Caller.FamilyWorker();
        var contribution = (await (await host.ClientFor(familyWorker).PostJson(
            $"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, "general", "atl-64", invitation))).Ok(HttpStatusCode.Created))["contributionId"]!.GetValue<string>();
        var before = (await LogOf(path.SocialWorker.Id)).Count;

        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/families/{path.FamilyId}/picture");
        request.Headers.Add("X-Access-Purpose", "supervision");
        await (await path.SocialWork.SendAsync(request)).Ok();

        var written = (await LogOf(path.SocialWorker.Id)).Skip(before).ToList();
        var use = Assert.Single(written, r => r.Kind == "use");
        Assert.Equal(new Row("use", path.FamilyId, "situational-picture", null, path.SocialWorker.Id, path.SocialWorker.Name,
            "social-work", "supervision", null), use);
        var disclosure = Assert.Single(written, r => r.Kind == "disclosure");
        Assert.Equal(new Row("disclosure", path.FamilyId, $"contribution:{contribution}", "family-work", path.SocialWorker.Id,
            path.SocialWorker.Name, "social-work", "supervision", "atl-64"), disclosure);
    }

    [Fact]
    public async Task a_read_without_a_purpose_is_logged_as_client_work_and_a_search_is_logged_per_family_found()
    {
        var worker = Caller.SocialWorker();
        var client = host.ClientFor(worker);
        var familyId = await client.RegisterFamily();
        var aino = (await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok())["children"]![0]!["personId"]!.GetValue<string>();

        await (await client.PostJson("/api/families/search", new { personId = aino })).Ok();

        var rows = await LogOf(worker.Id);
        Assert.Equal("client-work", rows.Single(r => r.Data == "situational-picture").Purpose);
        Assert.Contains(rows, r => r.Data == "search-by-identity-code" && r.FamilyId == familyId);
        Assert.DoesNotContain(rows, r => r.Data.Contains(aino, StringComparison.Ordinal));
    }

    [Fact]
    public async Task an_entry_cannot_be_changed_deleted_or_truncated_through_the_services_own_database_user()
    {
        var worker = Caller.SocialWorker();
        var familyId = await host.ClientFor(worker).RegisterFamily();
        await (await host.ClientFor(worker).GetAsync($"/api/families/{familyId}/picture")).Ok();

        foreach (var sql in new[]
                 {
                     $"update {host.Schema}.access_log set purpose = 'nothing to see' where professional_id = '{worker.Id}'",
                     $"delete from {host.Schema}.access_log where professional_id = '{worker.Id}'",
                     $"truncate {host.Schema}.access_log",
                 })
        {
            await using var connection = host.Store.Storage.Database.CreateConnection();
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            var e = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        }
        Assert.Equal("client-work", Assert.Single(await LogOf(worker.Id), r => r.Data == "situational-picture").Purpose);
    }

    [Fact]
    public async Task a_read_whose_log_entry_cannot_be_written_fails_cleanly_and_shows_nothing()
    {
        var broken = Caller.SocialWorker() with { Id = "sw-log-fails" };
        var familyId = await host.ClientFor(broken).RegisterFamily();
        await using (var connection = host.Store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"""
                create or replace function {host.Schema}.fail_for_one() returns trigger language plpgsql as $$
                begin if new.professional_id = 'sw-log-fails' then raise exception 'log storage unavailable'; end if; return new; end $$;
                create or replace trigger fail_for_one before insert on {host.Schema}.access_log for each row execute function {host.Schema}.fail_for_one();
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        var response = await host.ClientFor(broken).GetAsync($"/api/families/{familyId}/picture");

        var problem = await response.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.Null(problem["children"]);
        Assert.DoesNotContain("Aino", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await LogOf(broken.Id), r => r.Data == "situational-picture");
        // Everyone else still reads, logged.
        var other = Caller.SocialWorker();
        var otherFamily = await host.ClientFor(other).RegisterFamily();
        await (await host.ClientFor(other).GetAsync($"/api/families/{otherFamily}/picture")).Ok();
    }

    [Fact]
    public async Task an_unreadable_purpose_is_400_and_nothing_is_logged()
    {
        var worker = Caller.SocialWorker();
        var familyId = await host.ClientFor(worker).RegisterFamily();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/families/{familyId}/picture");
        request.Headers.Add("X-Access-Purpose", new string('x', 500));

        await (await host.ClientFor(worker).SendAsync(request)).Problem(HttpStatusCode.BadRequest);

        Assert.DoesNotContain(await LogOf(worker.Id), r => r.Data == "situational-picture");
    }
}
