using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.Identity;

/// <summary>The contract spells enum values in kebab-case, or as a value's <see cref="JsonStringEnumMemberNameAttribute"/> says (atl-53-5).</summary>
public static class Kebab
{
    private static readonly ConcurrentDictionary<(Type, string), string> Spelled = new();

    public static string Name<T>(T value) where T : struct, Enum =>
        Spelled.GetOrAdd((typeof(T), value.ToString()), key =>
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

    /// <summary>Every value as the contract spells it, comma-separated: for messages that say what is accepted.</summary>
    public static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => Name(v)));

    /// <summary>The same for an enum type known only at run time (a JSON reader's message names it).</summary>
    public static string Names(Type enumType) => string.Join(", ", Enum.GetNames(enumType).Select(n =>
        enumType.GetField(n)?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.KebabCaseLower.ConvertName(n)));

    public static T Parse<T>(string text) where T : struct, Enum =>
        TryParse<T>(text, out var value) ? value : throw new ArgumentException($"Not a {typeof(T).Name}.", nameof(text));
}
