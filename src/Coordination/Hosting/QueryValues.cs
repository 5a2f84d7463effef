using System.Globalization;

namespace Coordination.Hosting;

/// <summary>Times and dates given in a query string, read one way everywhere; a value that does not parse is a field error.</summary>
public static class QueryValues
{
    /// <summary>An ISO 8601 time; without an offset it is taken as UTC.</summary>
    public static DateTimeOffset? Moment(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
        {
            return moment;
        }
        errors[field] = ["Use an ISO 8601 time with offset, e.g. 2026-05-05T12:00:00+03:00."];
        return null;
    }

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
