using System.Globalization;

namespace Coordination.Hosting;

/// <summary>Times and dates given in a query string, read one way everywhere; a value that does not parse is a field error.</summary>
public static partial class QueryValues
{
    /// <summary>
    /// An ISO 8601 time. Without an offset it is taken as UTC, unless <paramref name="requireOffset"/>. A <c>+</c> of the offset
    /// sent unencoded arrives as a space (<c>...T12:00:00 03:00</c>): it is read as the <c>+</c> it was.
    /// </summary>
    public static DateTimeOffset? Moment(string? text, string field, Dictionary<string, string[]> errors, bool requireOffset = false)
    {
        if (text is null)
        {
            return null;
        }
        var written = UnencodedPlus().Replace(text, "$1+$2");
        if ((!requireOffset || HasOffset().IsMatch(written))
            && DateTimeOffset.TryParse(written, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
        {
            return moment;
        }
        errors[field] = ["Use an ISO 8601 time with offset, e.g. 2026-05-05T12:00:00+03:00 (the + written %2B in a URL)."];
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?) (\d{2}:?\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex UnencodedPlus();

    [System.Text.RegularExpressions.GeneratedRegex(@"T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex HasOffset();

    /// <summary>A calendar date, <c>YYYY-MM-DD</c>.</summary>
    public static DateOnly? Date(string? text, string field, Dictionary<string, string[]> errors, bool required = false)
    {
        if (text is null)
        {
            if (required)
            {
                errors[field] = ["Required: a date, YYYY-MM-DD."];
            }
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        errors[field] = ["Use a date, YYYY-MM-DD."];
        return null;
    }
}
