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
        builder.Services.AddOpenApi("v1", OpenApiDocument.Configure);
        builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
        // Error keys name fields as the JSON does: children[0].personId, not Children[0].PersonId.
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        // A rule's checks stop at its first failure: a later check of the same rule (a count after NotEmpty) never sees the
        // value the earlier one refused (a missing list answered 500).
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
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
            if (problem.Extensions.TryGetValue("parameter", out var parameter) && parameter is string name)
            {
                // Wolverine's "Query string parameter 'days' has the value ... which cannot be parsed": keyed by the parameter.
                var message = QueryValueMessage(name, problem.Detail);
                problem.Type = InvalidQueryType;
                problem.Title = "A query parameter is not valid";
                problem.Detail = message;
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [name] = [message] };
                problem.Extensions.Remove("parameter");
            }
            else
            {
                // Wolverine's "Invalid JSON format": name the offending field, without .NET type names or body values.
                var described = Describe(problem.Detail);
                problem.Detail = described.Message;
                problem.Extensions["errors"] = new Dictionary<string, string[]> { [described.Field] = [described.Message] };
                problem.Type = described.Type;
                problem.Title = described.Title;
                problem.Extensions.Remove("lineNumber");
                problem.Extensions.Remove("bytePositionInLine");
            }
        }
        if (problem.Status >= 500)
        {
            problem.Detail = "An unexpected error occurred. It has been logged with the trace id.";
        }
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status404NotFound => "There is no such route.",
            StatusCodes.Status405MethodNotAllowed => $"This route does not take {context.HttpContext.Request.Method}: see /openapi/v1.json for its methods.",
            StatusCodes.Status401Unauthorized => "Send a valid bearer token that has not expired.",
            StatusCodes.Status403Forbidden => "Your agency or role may not do this.",
            _ => problem.Title,
        };
        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal)
            || problem.Type.StartsWith("https://httpstatuses", StringComparison.Ordinal))
        {
            problem.Type = "https://coordination.example/problems/http-" + problem.Status;
        }
    }

    private const string InvalidQueryType = "https://coordination.example/problems/invalid-query";
    private const string UnknownFieldType = "https://coordination.example/problems/unknown-field";
    private const string MalformedJsonType = "https://coordination.example/problems/malformed-json";
    private const string MalformedJsonTitle = "The body is not valid JSON for this request";

    /// <summary>
    /// The 400 for a body the JSON reader refused, as every route answers it: the field named (under
    /// <paramref name="prefix"/> when the body was read in parts), no values from the body, no .NET type names.
    /// </summary>
    public static ProblemDetails MalformedJson(string? readerMessage, string? prefix = null)
    {
        var (field, message, type, title) = Describe(readerMessage);
        if (prefix is not null)
        {
            field = field == "$" ? prefix : $"{prefix}.{field}";
        }
        var problem = Problems.Invalid(new Dictionary<string, string[]> { [field] = [message] }, message);
        problem.Type = type;
        problem.Title = title;
        return problem;
    }

    /// <summary>What the JSON reader refused: the field as the contract names it (<c>children[0].birthDate</c>), and what it expects.</summary>
    private static (string Field, string Message, string Type, string Title) Describe(string? detail)
    {
        var unknown = UnknownProperty().Match(detail ?? "");
        if (unknown.Success)
        {
            var name = unknown.Groups["name"].Value;
            var path = JsonPath().Match(detail ?? "");
            var field = path.Success ? Field(path.Groups["path"].Value) : name;
            return (field == "$" ? name : field, $"Unknown field '{name}': the contract does not have it.", UnknownFieldType,
                "The body has a field the contract does not");
        }
        var at = JsonPath().Match(detail ?? "");
        return (at.Success ? Field(at.Groups["path"].Value) : "$", UnreadableJsonMessage(detail), MalformedJsonType, MalformedJsonTitle);
    }

    /// <summary><c>$.children[0].birthDate</c> as the validation errors name it: <c>children[0].birthDate</c>; the whole body stays <c>$</c>.</summary>
    private static string Field(string jsonPath) => jsonPath is "$" or "" ? "$" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;

    private static string UnreadableJsonMessage(string? detail)
    {
        if (detail is null)
        {
            return "The body could not be read as JSON.";
        }
        var expected = ExpectedType(detail);
        if (expected is not null)
        {
            return $"Expected {expected}.";
        }
        // Keep the parser's description but never echo values from the body or name our .NET types.
        var cut = detail.IndexOf(" Path:", StringComparison.Ordinal);
        var text = cut > 0 ? detail[..cut] : detail;
        return DotNetType().Replace(text, "the expected type");
    }

    /// <summary>What a value of the type the reader wanted looks like, for "could not be converted to ..."; enums list their values.</summary>
    private static string? ExpectedType(string detail)
    {
        var converted = ConvertedTo().Match(detail);
        if (!converted.Success)
        {
            return null;
        }
        var typeName = converted.Groups["type"].Value;
        var inner = NullableOf().Match(typeName) is { Success: true } nullable ? nullable.Groups["inner"].Value : typeName;
        return inner switch
        {
            "System.Guid" => "an id (a UUID such as 01a232cf-45e5-7f79-8470-5b0953057f9d)",
            "System.DateTimeOffset" => "an ISO 8601 time with offset, such as 2026-05-05T12:00:00+03:00",
            "System.DateOnly" => "a date, YYYY-MM-DD",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Boolean" => "true or false",
            "System.String" => "a string",
            _ when typeof(Http).Assembly.GetType(inner) is { IsEnum: true } e => "one of: " + Identity.Kebab.Names(e),
            _ when inner.StartsWith("System.Collections.Generic.IReadOnlyList", StringComparison.Ordinal) || inner.EndsWith("[]", StringComparison.Ordinal) => "an array",
            _ => "a value of another shape (see the schema in /openapi/v1.json)",
        };
    }

    /// <summary>A query value Wolverine could not parse, said as what the parameter takes.</summary>
    private static string QueryValueMessage(string name, string? detail)
    {
        var type = QueryType().Match(detail ?? "") is { Success: true } m ? m.Groups["type"].Value : "";
        var expected = type switch
        {
            "int" or "Int32" or "long" or "Int64" => "a whole number",
            "bool" or "Boolean" => "true or false",
            "Guid" => "an id (a UUID)",
            "DateOnly" => "a date, YYYY-MM-DD",
            "DateTimeOffset" or "DateTime" => "an ISO 8601 time with offset",
            _ => "a value of the type in /openapi/v1.json",
        };
        return $"{name} takes {expected}.";
    }

    [GeneratedRegex(@"Path: (?<path>\$[^ |]*)")]
    private static partial Regex JsonPath();

    [GeneratedRegex(@"^The JSON property '(?<name>[^']{1,100})' could not be mapped")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"could not be converted to (?<type>[A-Za-z0-9_.`\[\], ]+?)\. Path")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>[^\]]+)\]$")]
    private static partial Regex NullableOf();

    [GeneratedRegex(@"expected type (?<type>[A-Za-z0-9_.]+)")]
    private static partial Regex QueryType();

    [GeneratedRegex(@"'?(System|Coordination)\.[A-Za-z0-9_.`\[\], ]+'?")]
    private static partial Regex DotNetType();
}
