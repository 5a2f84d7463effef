using Microsoft.AspNetCore.Http.Features;

namespace Coordination.Hosting;

/// <summary>
/// Every body is checked before any endpoint sees it: JSON only (415), at most 256 KiB (413, also for chunked bodies).
/// The body is kept in memory so it can be hashed (Idempotency-Key) and signature-checked (school messages) exactly
/// as it arrived.
/// </summary>
public sealed class RequestBody(RequestDelegate next)
{
    public const long MaxBytes = 256 * 1024;
    private const string ItemKey = "coordination.raw-body";

    public static ReadOnlyMemory<byte> Raw(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var raw) && raw is byte[] bytes ? bytes : ReadOnlyMemory<byte>.Empty;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (!hasBody || !request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        if (request.ContentLength > MaxBytes)
        {
            await Problems.Write(context, Problems.TooLarge(MaxBytes));
            return;
        }
        if (!IsJson(request.ContentType))
        {
            await Problems.Write(context, Problems.UnsupportedMediaType());
            return;
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = MaxBytes + 1;
        }

        byte[] body;
        try
        {
            body = await ReadAtMostAsync(request.Body, MaxBytes + 1, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await Problems.Write(context, Problems.TooLarge(MaxBytes));
            return;
        }
        if (body.Length > MaxBytes)
        {
            await Problems.Write(context, Problems.TooLarge(MaxBytes));
            return;
        }

        if (body.AsSpan().Trim(" \t\r\n"u8).SequenceEqual("null"u8))
        {
            // Deserialises to no request at all; every route takes an object.
            await Problems.Write(context, Problems.Invalid("$", "The body must be a JSON object, not null."));
            return;
        }

        context.Items[ItemKey] = body;
        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = body.Length;
        await next(context);
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<byte[]> ReadAtMostAsync(Stream stream, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length >= limit)
            {
                break;
            }
        }
        return buffer.ToArray();
    }
}
