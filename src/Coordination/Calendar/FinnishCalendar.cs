namespace Coordination.Calendar;

/// <summary>
/// Working days and statutory periods on the Finnish calendar (Act 150/1930 on the calculation of periods, and THL
/// practice for LsL 26 §). Pure: the same dates in give the same dates out.
/// </summary>
public static class FinnishCalendar
{
    private static readonly TimeZoneInfo Helsinki = TimeZoneInfo.FindSystemTimeZoneById("Europe/Helsinki");

    /// <summary>The date in Helsinki at that moment, whatever offset the moment was written with.</summary>
    public static DateOnly HelsinkiDate(DateTimeOffset moment) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(moment, Helsinki).DateTime);

    /// <summary>The first moment of a Helsinki date, as an instant.</summary>
    public static DateTimeOffset StartOfHelsinkiDay(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Helsinki.GetUtcOffset(local));
    }

    public static bool IsWorkingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date);

    /// <summary>The public holidays of the domain guide (weekend ones included: Easter Sunday, Pentecost, Midsummer Day, All Saints' Day).</summary>
    public static bool IsHoliday(DateOnly date) => Holidays(date.Year).Contains(date);

    public static IReadOnlySet<DateOnly> Holidays(int year)
    {
        var easter = EasterSunday(year);
        return new HashSet<DateOnly>
        {
            new(year, 1, 1),            // New Year's Day
            new(year, 1, 6),            // Epiphany
            easter.AddDays(-2),         // Good Friday
            easter,                     // Easter Sunday
            easter.AddDays(1),          // Easter Monday
            new(year, 5, 1),            // May Day
            easter.AddDays(39),         // Ascension Day
            easter.AddDays(49),         // Pentecost
            FirstOnOrAfter(new DateOnly(year, 6, 19), DayOfWeek.Friday),   // Midsummer Eve: Friday 19-25 June
            FirstOnOrAfter(new DateOnly(year, 6, 20), DayOfWeek.Saturday), // Midsummer Day: Saturday 20-26 June
            FirstOnOrAfter(new DateOnly(year, 10, 31), DayOfWeek.Saturday), // All Saints' Day: Saturday 31 Oct-6 Nov
            new(year, 12, 6),           // Independence Day
            new(year, 12, 24),          // Christmas Eve
            new(year, 12, 25),          // Christmas Day
            new(year, 12, 26),          // St Stephen's Day
        };
    }

    /// <summary>Easter Sunday by the Gregorian computus (anonymous Gregorian algorithm).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The Nth working day after <paramref name="date"/>; the date itself does not count (LsL 26 §: 7 working days).</summary>
    public static DateOnly WorkingDaysAfter(DateOnly date, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workingDays);
        var day = date;
        var counted = 0;
        while (counted < workingDays)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }
        return day;
    }

    /// <summary>The working days after <paramref name="from"/> up to and including <paramref name="to"/>; 0 when <paramref name="to"/> is not later.</summary>
    public static int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var counted = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
        {
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }
        return counted;
    }

    /// <summary>
    /// A period of months: the same-numbered day of the later month, or its last day if that day does not exist;
    /// a deadline on a non-working day moves to the next working day (SHL 36 §: 3 months).
    /// </summary>
    public static DateOnly MonthsAfter(DateOnly date, int months) => OnOrNextWorkingDay(date.AddMonths(months));

    public static DateOnly OnOrNextWorkingDay(DateOnly date)
    {
        var day = date;
        while (!IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }
        return day;
    }

    private static DateOnly FirstOnOrAfter(DateOnly date, DayOfWeek weekday) =>
        date.AddDays(((int)weekday - (int)date.DayOfWeek + 7) % 7);
}
