using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Coordination.OpenApiDocument;

// The service's own OpenAPI document, as /openapi/v1.json serves it, written to the file named by the first argument.
// The host runs in memory with its real endpoints (Wolverine maps them when the app is built) but never touches a
// database: the connection string names none that is reached, and the hosted services that would (Marten's schema
// migration, Wolverine's durability agents) are left out. Nothing here is a second description of the API.
internal static class DocumentWriter
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 1)
        {
            await Console.Error.WriteLineAsync("usage: Coordination.OpenApiDocument <output.json>");
            return 2;
        }

        JasperFxEnvironment.AutoStartHost = true;
        await using var factory = new DocumentHost();
        using var client = factory.CreateClient();
        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var output = Path.GetFullPath(args[0]);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, document);
        Console.WriteLine($"OpenAPI document written to {output} ({document.Length} characters)");
        return 0;
    }
}

internal sealed class DocumentHost : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The service's settings as its build copied them here: no source tree is needed to write the document.
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.UseEnvironment("Development");
        // A connection string keeps the embedded PostgreSQL from starting; nothing connects to it.
        builder.UseSetting("ConnectionStrings:Coordination", "Host=127.0.0.1;Port=1;Database=unused;Timeout=1");
        builder.UseSetting("Wolverine:Solo", "true");
        builder.UseSetting("SchoolWelfare:SecretKey", Convert.ToBase64String(new byte[32]));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services =>
        {
            foreach (var hosted in services.Where(IsStorage).ToList())
            {
                services.Remove(hosted);
            }
        });
    }

    private static bool IsStorage(ServiceDescriptor d)
    {
        if (d.ServiceType != typeof(IHostedService))
        {
            return false;
        }
        var type = d.ImplementationType ?? d.ImplementationInstance?.GetType() ?? d.ImplementationFactory?.Method.ReturnType;
        var name = type?.FullName ?? "";
        return !name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal);
    }
}
