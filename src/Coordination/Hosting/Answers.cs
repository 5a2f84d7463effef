using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Coordination.Hosting;

/// <summary>
/// A write's answer, typed for the OpenAPI document: the success body <typeparamref name="T"/> with its status, and every
/// problem a write can answer, each as the RFC 9457 problem it is. Executes as the write pipeline rendered it (its ETag,
/// Location and body, or the problem), so an idempotent replay answers the very bytes of the first.
/// </summary>
public sealed class Written<T>(IResult answer) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext) => answer.ExecuteAsync(httpContext);

#pragma warning disable CA1000 // IEndpointMetadataProvider is a static abstract member: a generic answer type must declare it
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        var creates = method.GetCustomAttribute<CreatesAttribute>();
        builder.Metadata.Add(new WriteHeadersAttribute(ifMatch: true, idempotencyKey: true, etag: true));
        if (creates is null || creates.OrOk)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
        }
        if (creates is not null)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(T), ["application/json"]));
        }
        Problems.Describe(builder, StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
            StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests,
            StatusCodes.Status503ServiceUnavailable);
    }
#pragma warning restore CA1000
}

/// <summary>The write answers 201 Created (with Location) rather than 200; <see cref="OrOk"/>: or 200 when it created nothing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CreatesAttribute(bool orOk = false) : Attribute
{
    public bool OrOk { get; } = orOk;
}

/// <summary>
/// A read's (or a non-stream write's) answer, typed for the OpenAPI document: the success body <typeparamref name="T"/> (200,
/// or as <see cref="CreatesAttribute"/> and <see cref="AcceptsForLaterAttribute"/> say) and the problems it can answer.
/// Executes as the endpoint rendered it.
/// </summary>
public sealed class Answer<T>(IResult answer) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext) => answer.ExecuteAsync(httpContext);

#pragma warning disable CA1000 // IEndpointMetadataProvider is a static abstract member: a generic answer type must declare it
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        var creates = method.GetCustomAttribute<CreatesAttribute>();
        var accepted = method.GetCustomAttribute<AcceptsForLaterAttribute>() is not null;
        if (method.GetCustomAttribute<WriteHeadersAttribute>() is { } headers)
        {
            builder.Metadata.Add(headers);
        }
        if (method.GetCustomAttribute<UseLoggedAttribute>() is { } logged)
        {
            builder.Metadata.Add(logged);
        }
        if (method.GetCustomAttribute<OneOfItemsAttribute>() is { } items)
        {
            builder.Metadata.Add(items);
        }
        if (accepted)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(T), ["application/json"]));
        }
        if (!accepted && (creates is null || creates.OrOk))
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
        }
        if (creates is not null)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(T), ["application/json"]));
        }
        Problems.Describe(builder, StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
            StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
    }
#pragma warning restore CA1000
}

/// <summary>The endpoint answers 202 Accepted: it took the request and works on it after answering.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AcceptsForLaterAttribute : Attribute;

/// <summary>
/// The write headers a route honours, as the OpenAPI document describes them: <c>If-Match</c> (412 when the stream moved on),
/// <c>Idempotency-Key</c> (a repeat gets the first answer) and an <c>ETag</c> on its success. Every <see cref="Written{T}"/>
/// route honours all three (StreamWrites); another route says which it honours with this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WriteHeadersAttribute(bool ifMatch = false, bool idempotencyKey = false, bool etag = false) : Attribute
{
    public bool IfMatch { get; } = ifMatch;
    public bool IdempotencyKey { get; } = idempotencyKey;
    public bool ETag { get; } = etag;
}

/// <summary>
/// The route use-logs what it answers under the purpose the caller names in <c>X-Access-Purpose</c>
/// (<see cref="Audit.AccessPurpose.Read"/>), or under <see cref="DefaultPurpose"/> when none is named.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UseLoggedAttribute(string defaultPurpose = Audit.AccessPurpose.Default) : Attribute
{
    public string DefaultPurpose { get; } = defaultPurpose;
}

