using JasperFx.CommandLine;
using Marten;
using Npgsql;

namespace Coordination.Audit;

public sealed class VerifyIntegrityInput : NetCoreInput
{
    [Description("The organisation (tenant) whose streams to verify, e.g. county-pirkanmaa")]
    public string Org { get; set; } = "";
}

/// <summary>
/// `dotnet Coordination.dll verify-integrity &lt;org&gt;`: recomputes the hash chain of every stream (family or team) of an
/// organisation from the database and lists the broken ones. Exit code 1 when any is broken.
/// </summary>
[Description("Verify the hash chain of every stream (families and teams) of an organisation", Name = "verify-integrity")]
public sealed class VerifyIntegrityCommand : JasperFxAsyncCommand<VerifyIntegrityInput>
{
    public override async Task<bool> Execute(VerifyIntegrityInput input)
    {
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var families = new List<Guid>();
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the schema is ours; the organisation is a parameter
            command.CommandText = $"select id from {store.Options.DatabaseSchemaName}.mt_streams where tenant_id = @org order by id";
#pragma warning restore CA2100
            command.Parameters.Add(new NpgsqlParameter("org", input.Org));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                families.Add(reader.GetGuid(0));
            }
        }

        var broken = 0;
        foreach (var family in families)
        {
            var report = await VerifyIntegrityEndpoint.VerifyAsync(store, input.Org, family, CancellationToken.None);
            if (!report.Valid)
            {
                broken++;
                Console.WriteLine($"BROKEN {family} first broken version {report.FirstBrokenVersion} ({report.Events} events)");
            }
        }
        Console.WriteLine($"{families.Count} streams of {input.Org} verified: {families.Count - broken} intact, {broken} broken.");
        return broken == 0;
    }
}
