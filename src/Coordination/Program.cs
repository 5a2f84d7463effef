using Coordination.Audit;
using Coordination.EmbeddedPostgres;
using Coordination.Hosting;
using Coordination.SchoolWelfare;
using JasperFx;

var builder = WebApplication.CreateBuilder(args);

string connectionString;
try
{
    connectionString = await builder.ResolveConnectionStringAsync();
}
catch (EmbeddedPostgresUnavailableException e)
{
    await Console.Error.WriteLineAsync($"Coordination cannot start: {e.Message}");
    return 1;
}

builder.ConfigureLogging();
builder.ConfigureStorage(connectionString);
builder.ConfigureSchoolWelfare();
builder.ConfigureMessaging();
builder.ConfigureAuthentication();
builder.ConfigureHttp();
builder.ConfigureRateLimits();
builder.ConfigureAudit();

var app = builder.Build();
app.UseHttp();
app.MapDevTokens();

return await app.RunJasperFxCommands(args);

/// <summary>The web host; public so the tests can start it with WebApplicationFactory.</summary>
public partial class Program;
