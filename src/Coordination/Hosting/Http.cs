using System.Text.Json;
using System.Text.RegularExpressions;
using Coordination.Validation;
using FluentValidation;
using JasperFx;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Coordination.Hosting;

public static partial class Http
{
    public static void ConfigureHttp(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = RequestBody.MaxBytes + 1;
            k.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<Writing.StreamWrites>();
        builder.Services.AddScoped<Writing.FamilyWrites>();
        builder.Services.AddScoped<SystemicTeams.TeamWrites>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Customize);
        builder.Services.AddExceptionHandler<TransientDatabaseFailures>();
        builder.Services.AddWolverineHttp();
        builder.Services.AddOpenApi("v1");
        builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
        // Error keys name fields as the JSON does: children[0].personId, not Children[0].PersonId.
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
    }

    public static void UseHttp(this WebApplication app)
    {
        app.UseKnownProxies(); // first: every later step sees the caller's address, not the proxy's
        // Set as the answer starts, not as the request comes in: the exception handler clears the response before it
        // writes its 503 or 500, and those answers need the headers as much as any other.
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
                {
                    headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.UseExceptionHandler(); // problem details, never a stack trace, in every environment
        app.UseStatusCodePages();  // empty 4xx answers (unknown route, 405) get a problem body too
        // The interactive page is static and public (it calls the API with whatever token its user supplies);
        // it sits before authorization, whose fallback policy would otherwise close it.
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Coordination API v1");
            o.DocumentTitle = "Coordination API";
        });
        // A route that does not exist is 404 for everyone; the deny-by-default fallback below would answer 401.
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is null)
            {
                await Problems.Write(context, Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found",
                    "There is no such route."));
                return;
            }
            await next(context);
        });
        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication: the bucket is the caller's
        app.UseAuthorization();
        app.UseMiddleware<RequestBody>();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();

        app.MapWolverineEndpoints(opts =>
        {
            opts.AddPolicy<FluentValidationHttpPolicy>();
            // ?days=abc is a 400, never silently the default.
            opts.RejectUnparseableQueryValues = true;
            opts.WarmUpRoutes = RouteWarmup.Eager;
        });
    }

    /// <summary>
    /// One shape for every problem: our <c>type</c> URIs, a trace id, and for 400 an <c>errors</c> object even when
    /// the framework found the JSON itself unreadable.
    /// </summary>
    private static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        problem.Extensions.Remove("exception");
        if (problem.Status == StatusCodes.Status400BadRequest && problem is not HttpValidationProblemDetails
            && !problem.Extensions.ContainsKey("errors"))
        {
            // Wolverine's "Invalid JSON format": name the offending field, without .NET type names or body values.
            var (field, message) = DescribeJsonError(problem.Detail);
            problem.Detail = message;
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
            problem.Type = MalformedJsonType;
            problem.Title = MalformedJsonTitle;
            problem.Extensions.Remove("lineNumber");
            problem.Extensions.Remove("bytePositionInLine");
        }
        if (problem.Status >= 500)
        {
            problem.Detail = "An unexpected error occurred. It has been logged with the trace id.";
        }
        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal)
            || problem.Type.StartsWith("https://httpstatuses", StringComparison.Ordinal))
        {
            problem.Type = "https://coordination.example/problems/http-" + problem.Status;
        }
    }

    private const string MalformedJsonType = "https://coordination.example/problems/malformed-json";
    private const string MalformedJsonTitle = "The body is not valid JSON for this request";

    /// <summary>
    /// The 400 for a body the JSON reader refused, as every route answers it: the field named (under
    /// <paramref name="prefix"/> when the body was read in parts), no values from the body, no .NET type names.
    /// </summary>
    public static ProblemDetails MalformedJson(string? readerMessage, string? prefix = null)
    {
        var (field, message) = DescribeJsonError(readerMessage);
        if (prefix is not null)
        {
            field = field == "$" ? prefix : field.StartsWith("$.", StringComparison.Ordinal) ? $"{prefix}.{field[2..]}" : $"{prefix}.{field}";
        }
        var problem = Problems.Invalid(new Dictionary<string, string[]> { [field] = [message] }, message);
        problem.Type = MalformedJsonType;
        problem.Title = MalformedJsonTitle;
        return problem;
    }

    private static (string Field, string Message) DescribeJsonError(string? detail)
    {
        var unknown = UnknownProperty().Match(detail ?? "");
        var path = JsonPath().Match(detail ?? "");
        return unknown.Success
            ? (unknown.Groups["name"].Value, "Unknown field: the contract does not have it.")
            : (path.Success ? path.Groups["path"].Value : "$", UnreadableJsonMessage(detail));
    }

    private static string UnreadableJsonMessage(string? detail)
    {
        if (detail is null)
        {
            return "The body could not be read as JSON.";
        }
        // Keep the parser's description but never echo values from the body or name our .NET types.
        var cut = detail.IndexOf(" Path:", StringComparison.Ordinal);
        var text = cut > 0 ? detail[..cut] : detail;
        return DotNetType().Replace(text, "the expected type");
    }

    [GeneratedRegex(@"Path: (?<path>\$[^ |]*)")]
    private static partial Regex JsonPath();

    [GeneratedRegex(@"^The JSON property '(?<name>[^']{1,100})' could not be mapped")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"'?(System|Coordination)\.[A-Za-z0-9_.`\[\], ]+'?")]
    private static partial Regex DotNetType();
}
