using Coordination.Calendar;
using static Coordination.Calendar.FinnishCalendar;

namespace Coordination.Tests.Calendar;

public class FinnishCalendarTests
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    // The official Finnish public holidays, written out by hand from the published calendars, 2024-2030.
    public static TheoryData<int, string[]> OfficialHolidays => new()
    {
        { 2024, ["2024-01-01", "2024-01-06", "2024-03-29", "2024-03-31", "2024-04-01", "2024-05-01", "2024-05-09", "2024-05-19", "2024-06-21", "2024-06-22", "2024-11-02", "2024-12-06", "2024-12-24", "2024-12-25", "2024-12-26"] },
        { 2025, ["2025-01-01", "2025-01-06", "2025-04-18", "2025-04-20", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-08", "2025-06-20", "2025-06-21", "2025-11-01", "2025-12-06", "2025-12-24", "2025-12-25", "2025-12-26"] },
        { 2026, ["2026-01-01", "2026-01-06", "2026-04-03", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-24", "2026-06-19", "2026-06-20", "2026-10-31", "2026-12-06", "2026-12-24", "2026-12-25", "2026-12-26"] },
        { 2027, ["2027-01-01", "2027-01-06", "2027-03-26", "2027-03-28", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-16", "2027-06-25", "2027-06-26", "2027-11-06", "2027-12-06", "2027-12-24", "2027-12-25", "2027-12-26"] },
        { 2028, ["2028-01-01", "2028-01-06", "2028-04-14", "2028-04-16", "2028-04-17", "2028-05-01", "2028-05-25", "2028-06-04", "2028-06-23", "2028-06-24", "2028-11-04", "2028-12-06", "2028-12-24", "2028-12-25", "2028-12-26"] },
        { 2029, ["2029-01-01", "2029-01-06", "2029-03-30", "2029-04-01", "2029-04-02", "2029-05-01", "2029-05-10", "2029-05-20", "2029-06-22", "2029-06-23", "2029-11-03", "2029-12-06", "2029-12-24", "2029-12-25", "2029-12-26"] },
        { 2030, ["2030-01-01", "2030-01-06", "2030-04-19", "2030-04-21", "2030-04-22", "2030-05-01", "2030-05-30", "2030-06-09", "2030-06-21", "2030-06-22", "2030-11-02", "2030-12-06", "2030-12-24", "2030-12-25", "2030-12-26"] },
    };

    [Theory]
    [MemberData(nameof(OfficialHolidays))]
    public void the_holidays_are_exactly_the_official_ones(int year, string[] official) =>
        Assert.Equal(official.Select(D).Order(), Holidays(year).Order());

    [Fact]
    public void the_thl_example_received_on_a_tuesday_is_due_on_thursday_of_the_next_week()
    {
        var tuesday = D("2026-03-03");
        Assert.Equal(DayOfWeek.Tuesday, tuesday.DayOfWeek);
        Assert.Equal(D("2026-03-12"), WorkingDaysAfter(tuesday, 7));
    }

    [Fact]
    public void the_day_of_receipt_does_not_count_even_when_it_is_a_working_day()
    {
        Assert.Equal(D("2026-03-04"), WorkingDaysAfter(D("2026-03-03"), 1));
    }

    [Fact]
    public void easter_week_skips_good_friday_and_easter_monday()
    {
        // Received Wednesday 1 April 2026: Thu 2, (Good Friday 3), Tue 7, Wed 8, Thu 9, Fri 10, Mon 13, Tue 14.
        Assert.Equal(D("2026-04-14"), WorkingDaysAfter(D("2026-04-01"), 7));
    }

    [Fact]
    public void midsummer_eve_is_not_a_working_day()
    {
        // Received Wednesday 17 June 2026: Thu 18, (Midsummer Eve Fri 19), Mon 22 ... Fri 26, Mon 29.
        Assert.False(IsWorkingDay(D("2026-06-19")));
        Assert.Equal(D("2026-06-29"), WorkingDaysAfter(D("2026-06-17"), 7));
    }

    [Fact]
    public void christmas_to_epiphany_counts_only_the_working_days_between()
    {
        // Received Mon 21 Dec 2026: Tue 22, Wed 23, (24-26), Mon 28, Tue 29, Wed 30, Thu 31 (a working day), (1 Jan), Mon 4 Jan.
        Assert.True(IsWorkingDay(D("2026-12-31")));
        Assert.Equal(D("2027-01-04"), WorkingDaysAfter(D("2026-12-21"), 7));
        // Received Thu 31 Dec 2026: (1 Jan Fri), Mon 4, Tue 5, (Epiphany Wed 6), Thu 7, Fri 8, Mon 11, Tue 12, Wed 13.
        Assert.Equal(D("2027-01-13"), WorkingDaysAfter(D("2026-12-31"), 7));
    }

    [Fact]
    public void all_saints_weekend_falls_on_a_saturday_and_costs_no_working_day()
    {
        Assert.Equal(DayOfWeek.Saturday, D("2026-10-31").DayOfWeek);
        Assert.Equal(D("2026-11-06"), WorkingDaysAfter(D("2026-10-28"), 7));
    }

    [Fact]
    public void a_period_of_months_from_a_month_end_ends_on_the_last_day_of_a_shorter_month()
    {
        // 30 Nov + 3 months = 28 Feb 2027 (a Sunday) -> Monday 1 March 2027.
        Assert.Equal(D("2027-03-01"), MonthsAfter(D("2026-11-30"), 3));
        // 31 Aug + 6 months = 28 Feb 2027 (Sunday) -> Monday 1 March 2027.
        Assert.Equal(D("2027-03-01"), MonthsAfter(D("2026-08-31"), 6));
        // 31 Aug 2027 + 6 months = 29 Feb 2028 (a Tuesday in a leap year) stays.
        Assert.Equal(D("2028-02-29"), MonthsAfter(D("2027-08-31"), 6));
    }

    [Fact]
    public void a_period_ending_on_a_holiday_moves_to_the_next_working_day()
    {
        // 6 Sep 2026 + 3 months = Sun 6 Dec (Independence Day) -> Mon 7 Dec.
        Assert.Equal(D("2026-12-07"), MonthsAfter(D("2026-09-06"), 3));
        // 24 Sep 2026 + 3 months = Thu 24 Dec -> Mon 28 Dec.
        Assert.Equal(D("2026-12-28"), MonthsAfter(D("2026-09-24"), 3));
    }

    [Fact]
    public void leap_days_count_as_ordinary_days()
    {
        Assert.True(IsWorkingDay(D("2028-02-29")));
        Assert.Equal(D("2028-03-02"), WorkingDaysAfter(D("2028-02-28"), 3));
        // 29 Nov 2027 + 3 months = 29 Feb 2028.
        Assert.Equal(D("2028-02-29"), MonthsAfter(D("2027-11-29"), 3));
    }

    [Theory]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2038, "2038-04-25")]
    [InlineData(2285, "2285-03-22")]
    [InlineData(1818, "1818-03-22")]
    public void easter_follows_the_gregorian_computus(int year, string easter) =>
        Assert.Equal(D(easter), EasterSunday(year));

    [Fact]
    public void a_notification_at_half_past_eleven_on_a_friday_in_helsinki_was_received_on_that_friday()
    {
        var sentInUtc = DateTimeOffset.Parse("2026-03-06T21:30:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var sentWithOffset = DateTimeOffset.Parse("2026-03-06T23:30:00+02:00", System.Globalization.CultureInfo.InvariantCulture);
        var sentFromNewYork = DateTimeOffset.Parse("2026-03-06T16:30:00-05:00", System.Globalization.CultureInfo.InvariantCulture);

        Assert.All(new[] { sentInUtc, sentWithOffset, sentFromNewYork }, m => Assert.Equal(D("2026-03-06"), HelsinkiDate(m)));
        Assert.Equal(D("2026-03-07"), HelsinkiDate(DateTimeOffset.Parse("2026-03-06T22:30:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void summer_time_is_respected()
    {
        // 23:30 on 26 June 2026 in Helsinki is 20:30 UTC (UTC+3).
        Assert.Equal(D("2026-06-26"), HelsinkiDate(DateTimeOffset.Parse("2026-06-26T20:30:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(D("2026-06-27"), HelsinkiDate(DateTimeOffset.Parse("2026-06-26T21:30:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
