using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.Hosting;

/// <summary>One JSON shape for the API and the event store: camelCase, kebab-case enums, unknown fields rejected.</summary>
public static class Json
{
    /// <summary>The API: strict. Unknown fields, integers for enums and nulls where the contract has none are 400.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ConfigureStorage(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 32;
    }

    /// <summary>
    /// The event store: the same names, but tolerant, because events written years ago must still load after their
    /// types have gained or lost fields.
    /// </summary>
    public static void ConfigureStorage(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
    }

    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>The event store's options, for reading a document's JSON straight from SQL.</summary>
    public static readonly JsonSerializerOptions Storage = CreateStorage();

    private static JsonSerializerOptions CreateStorage()
    {
        var o = new JsonSerializerOptions();
        ConfigureStorage(o);
        return o;
    }

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions();
        Configure(o);
        return o;
    }
}
