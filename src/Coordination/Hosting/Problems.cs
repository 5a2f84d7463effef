using Microsoft.AspNetCore.Mvc;

namespace Coordination.Hosting;

/// <summary>The RFC 9457 problems the contract lists, each with a stable <c>type</c>.</summary>
public static class Problems
{
    private const string TypeBase = "https://coordination.example/problems/";

    public static ProblemDetails Create(int status, string slug, string title, string? detail = null) => new()
    {
        Type = TypeBase + slug,
        Status = status,
        Title = title,
        Detail = detail,
    };

    public static ProblemDetails Unauthorized() =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required",
            "Send a valid bearer token that has not expired.");

    public static ProblemDetails Forbidden(string detail) =>
        Create(StatusCodes.Status403Forbidden, "forbidden", "Not allowed", detail);

    public static ProblemDetails NotFound(string what = "family") =>
        Create(StatusCodes.Status404NotFound, "not-found", "Not found", $"No {what} with that id is available to you.");

    public static ProblemDetails Conflict(string slug, string detail) =>
        Create(StatusCodes.Status409Conflict, slug, "Conflict with the current state", detail);

    public static ProblemDetails PreconditionFailed(long current, string what = "family") =>
        Create(StatusCodes.Status412PreconditionFailed, "stale-version", $"The {what} has changed",
            $"If-Match does not name the current version ({current}). Read the {what} again and retry.");

    public static ProblemDetails TooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "body-too-large", "Request body too large",
            $"The body may be at most {limit / 1024} KiB.");

    public static ProblemDetails UnsupportedMediaType() =>
        Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "JSON only",
            "Send the body as application/json.");

    public static HttpValidationProblemDetails Invalid(IDictionary<string, string[]> errors, string? detail = null) => new(errors)
    {
        Type = TypeBase + "invalid-request",
        Status = StatusCodes.Status400BadRequest,
        Title = "The request is not valid",
        Detail = detail ?? "See errors for each field.",
    };

    public static ProblemDetails Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemDetails Unavailable(string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "Try again shortly", detail);

    /// <summary>Declares, for the OpenAPI document, the problems an endpoint answers (400 with field errors, the rest plain).</summary>
    public static void Describe(EndpointBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status,
                status == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails), ["application/problem+json"]));
        }
    }

    public static Task Write(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? 500;
        return Results.Problem(problem).ExecuteAsync(context);
    }

    public static IResult Result(ProblemDetails problem) => Results.Problem(problem);
}
