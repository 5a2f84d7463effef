using System.Text.Json;
using Coordination.Identity;

namespace Coordination.Hosting;

[BodyExample(Examples.DevToken)]
public sealed record DevTokenRequest(string? Sub, string? Name, string? Org, string? Agency, IReadOnlyList<string>? Roles);

public sealed record DevTokenResponse(string Token, DateTimeOffset ExpiresAt);

/// <summary>POST /dev/tokens: signed tokens for local work. Mapped only in the Development environment.</summary>
public static class DevTokens
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static void MapDevTokens(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return;
        }
        app.MapPost("/dev/tokens", async (HttpContext context, TokenSigning signing, TimeProvider clock) =>
            {
                // Read here, not bound by the framework: a body that is no DevTokenRequest is a 400 like any route's, never a 500.
                DevTokenRequest? request;
                try
                {
                    request = await JsonSerializer.DeserializeAsync<DevTokenRequest>(context.Request.Body, Json.Options, context.RequestAborted);
                }
                catch (JsonException e)
                {
                    return Results.Problem(Http.MalformedJson(e.Message));
                }
                if (request is null)
                {
                    return Results.Problem(Problems.Invalid("$", "The body must be a JSON object: { sub, name, org, agency, roles }."));
                }
                var errors = new Dictionary<string, string[]>();
                if (string.IsNullOrWhiteSpace(request.Sub)) errors["sub"] = ["Required."];
                if (string.IsNullOrWhiteSpace(request.Name)) errors["name"] = ["Required."];
                if (string.IsNullOrWhiteSpace(request.Org)) errors["org"] = ["Required."];
                if (!Kebab.TryParse<Agency>(request.Agency, out _)) errors["agency"] = [$"One of: {Kebab.Names<Agency>()}."];
                if ((request.Roles ?? []).Any(r => !Kebab.TryParse<Role>(r, out _))) errors["roles"] = [$"Each one of: {Kebab.Names<Role>()}."];
                if (errors.Count > 0)
                {
                    return Results.Problem(Problems.Invalid(errors));
                }
                var now = clock.GetUtcNow();
                var token = signing.Issue(request.Sub!, request.Name!, request.Org!, request.Agency!, request.Roles ?? [], Lifetime, now);
                return Results.Ok(new DevTokenResponse(token, now.Add(Lifetime)));
            })
            .Accepts<DevTokenRequest>("application/json")
            .Produces<DevTokenResponse>()
            .ProducesValidationProblem()
            .AllowAnonymous()
            .WithTags("Development")
            .WithName("issueDevToken")
            .WithSummary("Issue a signed token (Development only)");
    }
}
