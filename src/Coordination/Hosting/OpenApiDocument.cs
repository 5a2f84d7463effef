using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Coordination.Hosting;

/// <summary>
/// What the OpenAPI document says beyond the endpoints' own types: the bearer scheme (and the school systems' signature),
/// the headers every write and read takes and answers, the signed message's body, plain summaries and the tags in the order
/// of the work. Each rule is the code's: the headers are the ones <see cref="Writing.Preconditions"/>,
/// <see cref="Audit.AccessPurpose"/> and the school routes read.
/// </summary>
public static partial class OpenApiDocument
{
    public const string Bearer = "bearer";

    /// <summary>The tags in the order a family's case goes through them, with what each is for.</summary>
    private static readonly (string Name, string Description)[] Tags =
    [
        ("Families", "Register a family (its children and guardians, expected children too), search before creating, the families one works with."),
        ("Concerns", "A concern arrives (a notification, a joint contact, an application, a pre-birth notification), its urgency is assessed and decided on."),
        ("Assessment", "The multidisciplinary service-need assessment: invitations, contributions, hearing each child, the conclusion."),
        ("Consent", "Consents given and withdrawn, and the confirmation step before a psychiatric entry is shown (ATL 26 § 2)."),
        ("Situational picture", "The family as this viewer may see it, today or as it stood (asOf, knownAt)."),
        ("Deadlines", "Statutory deadlines, reminders and what waits for me."),
        ("Systemic teams", "Teams, members, allocation, weekly meetings and their agenda, caseload and workload, discussions and hypotheses."),
        ("School student-welfare integration", "School student-welfare systems: registered senders, signed messages, unmatched and dead-lettered ones."),
        ("Audit", "History, integrity, use and disclosure logs, access reports."),
        ("Reports", "THL's processing-times report."),
        ("Development", "Tokens for local work (Development only)."),
    ];

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Coordination API";
            document.Info.Description = "The shared record of the professionals around one child and family. Authorize with a bearer token "
                                        + "(in Development: POST /dev/tokens). Problems are RFC 9457 application/problem+json with a stable type.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                Description = "A token of the county's identity provider (in Development: POST /dev/tokens) with the claims sub, name, org, "
                              + $"agency (one of: {Identity.Kebab.Names<Identity.Agency>()}) and roles (any of: {Identity.Kebab.Names<Identity.Role>()}).",
            };
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            // The document is served by the service it describes: relative to where it was read, not to a host name.
            document.Servers = [new OpenApiServer { Url = "/", Description = "This service" }];
            document.Info.License = new OpenApiLicense { Name = "Proprietary: the wellbeing services county's", Url = new Uri("https://coordination.example/license") };
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (schema is not OpenApiSchema described)
            {
                return Task.CompletedTask;
            }
            // An enum's own schema lists its values only: where a member may be null, the member's schema says so
            // (oneOf null or the enum), and a null inside the enum too would make a null match both and fail the oneOf.
            if (described.Enum is { Count: > 0 } values && values.Any(v => v is null))
            {
                described.Enum = [.. values.Where(v => v is not null)];
            }
            // A problem carries extensions beside its standard members (traceId, errors, earlierFact, ...).
            if (typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
            {
                described.AdditionalPropertiesAllowed = true;
                described.AdditionalProperties = null;
            }
            // A member written only when it has a value is not required.
            foreach (var property in context.JsonTypeInfo.Properties)
            {
                var ignore = property.AttributeProvider?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true)
                    .OfType<System.Text.Json.Serialization.JsonIgnoreAttribute>().FirstOrDefault();
                if (ignore?.Condition is System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull && described.Required is { } required)
                {
                    required.Remove(property.Name);
                }
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            if (operation.OperationId == "listSchoolMessages" && operation.Responses?["200"] is OpenApiResponse list)
            {
                // status=unmatched lists the messages waiting for social work; status=dead-lettered the processing status of
                // each message that failed, for admins.
                list.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            AnyOf =
                            [
                                new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference("UnmatchedMessageView", context.Document) },
                                new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference("MessageStatusView", context.Document) },
                            ],
                        },
                    },
                };
            }
            var method = context.Description.HttpMethod ?? "GET";
            var path = "/" + (context.Description.RelativePath ?? "");
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var anonymous = metadata.OfType<IAllowAnonymous>().Any();
            var signed = path.StartsWith("/api/integrations/school-welfare/messages", StringComparison.Ordinal)
                         && (method == "POST" && !path.EndsWith("/link", StringComparison.Ordinal) && !path.EndsWith("/replay", StringComparison.Ordinal)
                             || (method == "GET" && path.Contains("{messageId}", StringComparison.Ordinal)));
            operation.Parameters ??= [];

            if (operation.Summary is null || AutoSummary().IsMatch(operation.Summary))
            {
                operation.Summary = Words(operation.OperationId ?? path);
                if (operation.Description is not null && AutoSummary().IsMatch(operation.Description))
                {
                    operation.Description = null;
                }
            }
            if (!anonymous && path.StartsWith("/api/", StringComparison.Ordinal))
            {
                var bearer = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] };
                // A school system's signed call needs no token: either a bearer or the signature headers.
                operation.Security = signed ? [bearer, new OpenApiSecurityRequirement()] : [bearer];
            }
            else
            {
                operation.Security = []; // anonymous on purpose: signed (school systems), or Development's token issuer
            }

            if (signed)
            {
                // A message is signed over its body (X-Sender, X-Signature); a status read over "GET\n<path>\n<timestamp>"
                // (X-Timestamp too). A social worker or admin reads a status with a bearer token instead.
                var post = method == "POST";
                operation.Parameters.Add(Header("X-Sender", "The registered sender's id (docs/integration/school-welfare.md).", post));
                if (!post)
                {
                    operation.Parameters.Add(Header("X-Timestamp", "When the read was signed, ISO 8601 UTC; within 5 minutes of the service's clock.", false));
                }
                operation.Parameters.Add(Header("X-Signature", post
                    ? "HMAC-SHA256 of the exact body, hex, with the sender's secret."
                    : "HMAC-SHA256 of \"GET\\n<path>\\n<timestamp>\", hex, with the sender's secret.", post));
                if (method == "POST" && operation.RequestBody is null)
                {
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true, Description = "The message, signed as sent: the service verifies the signature over these very bytes.",
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(SchoolWelfare.SchoolMessageEnvelope), null, ct) },
                        },
                    };
                }
            }
            // The headers each route honours, as its code declares them (Written<T>, WriteHeadersAttribute, UseLoggedAttribute).
            var writeHeaders = metadata.OfType<WriteHeadersAttribute>().FirstOrDefault();
            if (writeHeaders?.IfMatch == true)
            {
                operation.Parameters.Add(Header("If-Match", "The version (ETag) the write expects the stream at; 412 when it has moved on.", false));
            }
            if (writeHeaders?.IdempotencyKey == true)
            {
                operation.Parameters.Add(Header("Idempotency-Key", "Repeat the request with the same key to get the first answer again (409 for another body).", false));
            }
            if (metadata.OfType<UseLoggedAttribute>().FirstOrDefault() is { } useLogged)
            {
                operation.Parameters.Add(Header("X-Access-Purpose",
                    $"Why the data is used, for the use log (ATL 10 §); without it, {useLogged.DefaultPurpose}.", false, [.. Audit.AccessPurpose.Valid]));
            }
            // The answers every route can give besides its own: an unreadable request, no token, the rate limit, the
            // database away (TransientDatabaseFailures), and 404 for a route whose template names something.
            operation.Responses ??= [];
            if (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal))
            {
                var common = new List<string> { "400", "429", "503" };
                if (!anonymous || signed)
                {
                    common.Add("401");
                }
                if (path.Contains('{', StringComparison.Ordinal))
                {
                    common.Add("404");
                }
                if (method is "POST" or "DELETE")
                {
                    common.AddRange(["413", "415"]);
                }
                foreach (var status in common.Where(c => !operation.Responses.ContainsKey(c)))
                {
                    operation.Responses[status] = new OpenApiResponse
                    {
                        Description = ProblemDescription(status),
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/problem+json"] = new()
                            {
                                Schema = await context.GetOrCreateSchemaAsync(
                                    status == "400" ? typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails) : typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, ct),
                            },
                        },
                    };
                }
            }
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (response is not OpenApiResponse answer)
                {
                    continue;
                }
                answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
                if (writeHeaders?.ETag == true && status is "200" or "201")
                {
                    answer.Headers["ETag"] = ResponseHeader("The stream's version (after the write, for a write), to send as If-Match.");
                }
                if (status is "201" or "202")
                {
                    answer.Headers["Location"] = ResponseHeader("Where what was created (or its status) is read.");
                }
                if (status is "429" or "503")
                {
                    answer.Headers["Retry-After"] = ResponseHeader("Seconds to wait before retrying.");
                }
                if (status == "200" && operation.Parameters.Any(p => p.Name is "cursor" or "afterId" or "fromVersion"))
                {
                    answer.Headers["Link"] = ResponseHeader("<url>; rel=\"next\" while more remain: the next page.");
                }
            }
        });
    }

    private static string ProblemDescription(string status) => status switch
    {
        "400" => "Bad Request: errors names each field or parameter and what it takes.",
        "401" => "Unauthorized: no valid bearer token (or signature).",
        "404" => "Not Found: nothing with that id is available to you.",
        "413" => "Payload Too Large",
        "415" => "Unsupported Media Type: send application/json.",
        "429" => "Too Many Requests: slow down (Retry-After).",
        "503" => "Service Unavailable: retry shortly (Retry-After).",
        _ => status,
    };

    private static OpenApiParameter Header(string name, string description, bool required, IReadOnlyList<string>? values = null) => new()
    {
        Name = name, In = ParameterLocation.Header, Required = required, Description = description,
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = values?.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!).ToList(),
        },
    };

    private static OpenApiHeader ResponseHeader(string description) => new()
    {
        Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    /// <summary><c>decideOnConcern</c> as "Decide on concern".</summary>
    private static string Words(string operationId)
    {
        var words = Camel().Replace(operationId, " $1").Trim().ToLowerInvariant();
        return words.Length == 0 ? operationId : char.ToUpperInvariant(words[0]) + words[1..];
    }

    [GeneratedRegex("^(GET|POST|PUT|DELETE|PATCH)_")]
    private static partial Regex AutoSummary();

    [GeneratedRegex("([A-Z])")]
    private static partial Regex Camel();
}
