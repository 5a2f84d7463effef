using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.Identity;

/// <summary>The contract spells enum values in kebab-case, or as a value's <see cref="JsonStringEnumMemberNameAttribute"/> says (atl-53-5).</summary>
public static class Kebab
{
    private static readonly ConcurrentDictionary<(Type, string), string> Names = new();

    public static string Name<T>(T value) where T : struct, Enum =>
        Names.GetOrAdd((typeof(T), value.ToString()), key =>
            key.Item1.GetField(key.Item2)?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? JsonNamingPolicy.KebabCaseLower.ConvertName(key.Item2));

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Name(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static T Parse<T>(string text) where T : struct, Enum =>
        TryParse<T>(text, out var value) ? value : throw new ArgumentException($"Not a {typeof(T).Name}.", nameof(text));
}
