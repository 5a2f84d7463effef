namespace Coordination.Identity;

/// <summary>
/// The Finnish personal identity code (henkilötunnus): DDMMYY, a century sign, a three-digit individual number
/// and a check character. The century sign distinguishes people (100190-999P and 100190Y999P are two persons),
/// so a code is compared exactly as written and never normalised.
/// </summary>
public static class PersonalIdentityCode
{
    private const string CheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";

    public enum Problem
    {
        None,
        WrongLength,
        NotDigits,
        UnknownCenturySign,
        ImpossibleDate,
        UnissuedIndividualNumber,
        WrongCheckCharacter,
    }

    /// <summary>Checks a code; on success gives the birth date it encodes.</summary>
    public static Problem Validate(string? code, out DateOnly birthDate)
    {
        birthDate = default;
        if (code is null || code.Length != 11)
        {
            return Problem.WrongLength;
        }
        if (!AllDigits(code.AsSpan(0, 6)) || !AllDigits(code.AsSpan(7, 3)))
        {
            return Problem.NotDigits;
        }
        var century = CenturyOf(code[6]);
        if (century is null)
        {
            return Problem.UnknownCenturySign;
        }

        var day = Number(code.AsSpan(0, 2));
        var month = Number(code.AsSpan(2, 2));
        var year = century.Value + Number(code.AsSpan(4, 2));
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return Problem.ImpossibleDate;
        }

        // 000 and 001 are never issued (DVV); 002-899 are ordinary, 900-999 temporary codes.
        var individual = Number(code.AsSpan(7, 3));
        if (individual < 2)
        {
            return Problem.UnissuedIndividualNumber;
        }

        if (code[10] != CheckCharacter(Number(code.AsSpan(0, 6)), individual))
        {
            return Problem.WrongCheckCharacter;
        }

        birthDate = new DateOnly(year, month, day);
        return Problem.None;
    }

    public static bool IsValid(string? code) => Validate(code, out _) == Problem.None;

    /// <summary>The check character of a code whose first six digits (DDMMYY) and individual number are given.</summary>
    public static char CheckCharacter(int birthDigits, int individual) => CheckCharacters[((birthDigits * 1000) + individual) % 31];

    /// <summary>A message for a caller; it never repeats the code itself.</summary>
    public static string Describe(Problem problem) => problem switch
    {
        Problem.WrongLength => "A personal identity code has 11 characters: DDMMYY, a century sign, three digits and a check character.",
        Problem.NotDigits => "The date and the individual number of a personal identity code must be digits.",
        Problem.UnknownCenturySign => "Unknown century sign: use + (1800s), - Y X W V U (1900s) or A B C D E F (2000s).",
        Problem.ImpossibleDate => "The personal identity code encodes a date that does not exist.",
        Problem.UnissuedIndividualNumber => "Individual numbers 000 and 001 are never issued.",
        Problem.WrongCheckCharacter => "The check character of the personal identity code does not match.",
        _ => "",
    };

    private static int? CenturyOf(char sign) => sign switch
    {
        '+' => 1800,
        '-' or 'Y' or 'X' or 'W' or 'V' or 'U' => 1900,
        'A' or 'B' or 'C' or 'D' or 'E' or 'F' => 2000,
        _ => null,
    };

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static int Number(ReadOnlySpan<char> digits)
    {
        var n = 0;
        foreach (var c in digits)
        {
            n = (n * 10) + (c - '0');
        }
        return n;
    }
}
