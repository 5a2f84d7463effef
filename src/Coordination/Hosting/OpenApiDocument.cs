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
        options.AddSchemaTransformer(async (schema, context, ct) =>
        {
            if (schema is not OpenApiSchema described)
            {
                return;
            }
            // A list of what the viewer may read and what is withheld from them: each item is one of the types named.
            if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(OneOfItemsAttribute), true).OfType<OneOfItemsAttribute>()
                    .FirstOrDefault() is { } oneOf)
            {
                // Each made as the framework makes a type's schema: it turns them into references to components itself.
                var items = new List<IOpenApiSchema>();
                foreach (var type in oneOf.Types)
                {
                    items.Add(await context.GetOrCreateSchemaAsync(type, null, ct));
                }
                described.Items = new OpenApiSchema { OneOf = items };
            }
            // A request type's example: the README walkthrough's body for it (Examples).
            if (context.JsonPropertyInfo is null
                && context.JsonTypeInfo.Type.GetCustomAttributes(typeof(BodyExampleAttribute), false).OfType<BodyExampleAttribute>().FirstOrDefault() is { } example)
            {
                described.Examples = [System.Text.Json.Nodes.JsonNode.Parse(example.Json)!]; // JSON Schema's own keyword (OpenAPI 3.1)
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
            // A request body's required members are the ones its validator requires without a condition (NotNull, NotEmpty):
            // the others may be left out, whatever the constructor says. Those it requires are not null either.
            if (context.JsonPropertyInfo is null
                && context.ApplicationServices.GetService(typeof(FluentValidation.IValidator<>).MakeGenericType(context.JsonTypeInfo.Type))
                    is FluentValidation.IValidator validator)
            {
                var descriptor = validator.CreateDescriptor();
                described.Required = new HashSet<string>();
                foreach (var property in context.JsonTypeInfo.Properties)
                {
                    // The validators name members as the JSON does (ValidatorOptions' camelCase resolver, Hosting/Http.cs).
                    var required = descriptor.GetRulesForMember(property.Name).SelectMany(r => r.Components)
                        .Any(c => !c.HasCondition && !c.HasAsyncCondition
                                  && c.Validator is FluentValidation.Validators.INotNullValidator or FluentValidation.Validators.INotEmptyValidator);
                    if (!required)
                    {
                        continue;
                    }
                    Require(described, property.Name);
                }
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
                // A member read leniently (text, or any JSON, so that an unknown value gets its own answer), documented as what it takes.
                if (property.AttributeProvider?.GetCustomAttributes(typeof(DocumentedAsAttribute), true).OfType<DocumentedAsAttribute>().FirstOrDefault()
                        is { } documentedAs && described.Properties is { } members)
                {
                    var takes = new List<IOpenApiSchema>();
                    foreach (var type in documentedAs.Types)
                    {
                        takes.Add(await context.GetOrCreateSchemaAsync(type, null, ct));
                    }
                    if (documentedAs.Values.Length > 0)
                    {
                        takes.Add(new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. documentedAs.Values.Select(v => (System.Text.Json.Nodes.JsonNode)v)] });
                    }
                    members[property.Name] = takes.Count == 1 ? takes[0] : new OpenApiSchema { OneOf = takes };
                }
                // A member typed nullable so that its absence gets a clear answer, but which a valid request must carry.
                if (property.AttributeProvider?.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute), true) == true)
                {
                    Require(described, property.Name);
                }
            }
        });
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var endpointMetadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (endpointMetadata.OfType<OneOfItemsAttribute>().FirstOrDefault() is { } answersItems && operation.Responses?["200"] is OpenApiResponse list)
            {
                // A list whose items are of one type or another (as a query parameter chooses): each a component, referenced.
                var items = new List<IOpenApiSchema>();
                foreach (var type in answersItems.Types)
                {
                    items.Add(AsComponent(await context.GetOrCreateSchemaAsync(type, null, ct), context.Document!));
                }
                list.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { OneOf = items } } },
                };
            }
            var method = context.Description.HttpMethod ?? "GET";
            var path = "/" + (context.Description.RelativePath ?? "");
            var metadata = endpointMetadata;
            var anonymous = metadata.OfType<IAllowAnonymous>().Any();
            var signed = path.StartsWith("/api/integrations/school-welfare/messages", StringComparison.Ordinal)
                         && (method == "POST" && !path.EndsWith("/link", StringComparison.Ordinal) && !path.EndsWith("/replay", StringComparison.Ordinal)
                             || (method == "GET" && path.Contains("{messageId}", StringComparison.Ordinal)));
            operation.Parameters ??= [];

            // The summary in plain words, the endpoint's XML comment (when it has one) as the description: Wolverine's own
            // "GET_api_..." names neither.
            if (operation.Description is not null && AutoSummary().IsMatch(operation.Description))
            {
                operation.Description = null;
            }
            if (operation.Summary is null || AutoSummary().IsMatch(operation.Summary))
            {
                operation.Summary = Words(operation.OperationId ?? path);
            }
            else
            {
                var comment = Whitespace().Replace(operation.Summary, " ").Trim();
                operation.Description ??= comment;
                // Its first sentence, after any statute it opens with ("LsL 25 §: ..."), when that is short and whole.
                var first = FirstSentence().Match(Statute().Replace(comment, ""));
                var sentence = first.Success ? first.Value.TrimEnd('.', ':', ';', ' ') : "";
                operation.Summary = sentence.Length is > 0 and <= 90 && sentence.Count(c => c == '(') == sentence.Count(c => c == ')')
                    ? char.ToUpperInvariant(sentence[0]) + sentence[1..]
                    : Words(operation.OperationId ?? path);
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
                            ["application/json"] = new()
                            {
                                Schema = AsComponent(await context.GetOrCreateSchemaAsync(typeof(SchoolWelfare.SchoolMessageEnvelope), null, ct), context.Document!),
                            },
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

    /// <summary>The member is required, and so not null either.</summary>
    private static void Require(OpenApiSchema schema, string member)
    {
        schema.Required ??= new HashSet<string>();
        schema.Required.Add(member);
        if (schema.Properties?.TryGetValue(member, out var found) == true && found is OpenApiSchema { Type: { } kinds } of && kinds.HasFlag(JsonSchemaType.Null))
        {
            of.Type = kinds & ~JsonSchemaType.Null;
        }
    }

    /// <summary>
    /// A schema made in a transformer, as the framework would have put it in the document had a parameter been of its type:
    /// every part that is a named type (its schema id) a component, referenced.
    /// </summary>
    private static IOpenApiSchema AsComponent(IOpenApiSchema schema, Microsoft.OpenApi.OpenApiDocument document)
    {
        if (schema is not OpenApiSchema made)
        {
            return schema;
        }
        made.Properties = made.Properties?.ToDictionary(p => p.Key, p => AsComponent(p.Value, document));
        if (made.Items is { } items)
        {
            made.Items = AsComponent(items, document);
        }
        made.OneOf = made.OneOf?.Select(s => AsComponent(s, document)).ToList();
        made.AnyOf = made.AnyOf?.Select(s => AsComponent(s, document)).ToList();
        made.AllOf = made.AllOf?.Select(s => AsComponent(s, document)).ToList();
        if (made.Metadata?.TryGetValue("x-schema-id", out var id) == true && id is string name && name.Length > 0)
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas.TryAdd(name, made);
            return new OpenApiSchemaReference(name, document);
        }
        return made;
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

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(LsL|ATL|SHL) \d+( [a-z])? §( \d+)?: ")]
    private static partial Regex Statute();

    /// <summary>Up to the first full stop, colon or semicolon followed by a space (or the end), not inside "§ 2." or "e.g.".</summary>
    [GeneratedRegex(@"^.+?(?<!\b(e\.g|i\.e|§ \d+))[.:;](?=\s|$)")]
    private static partial Regex FirstSentence();
}

/// <summary>
/// The items of this list are each one of <see cref="Types"/> (what a viewer may read, or what is withheld from them), for the
/// OpenAPI document: the list is typed <c>object</c> in C# because the sharing gate decides item by item.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Method)]
public sealed class OneOfItemsAttribute(params Type[] types) : Attribute
{
    public IReadOnlyList<Type> Types { get; } = types;
}

/// <summary>
/// The member is read as text (or as any JSON) so that a value the service does not know gets its own answer, but takes one
/// of <see cref="Types"/> (an enum, or a payload type) or of <see cref="Values"/>: the OpenAPI document says so.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class DocumentedAsAttribute(params Type[] types) : Attribute
{
    public IReadOnlyList<Type> Types { get; } = types;

    /// <summary>Plain text values it takes besides (a schema version).</summary>
    public string[] Values { get; init; } = [];
}
