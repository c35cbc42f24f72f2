namespace MixtralPS.Core.Input;

/// <summary>
/// Whether a long run of letters, digits, '_' and '-' is a random token (an API key) rather than an identifier.
/// Random text mixes upper case, lower case and digits and switches between them at most characters (about 62%
/// of neighbours differ in base 62); names switch about twice a word (ParameterBindingException2). Hex hashes and
/// GUIDs have one letter case only.
/// </summary>
internal static class RandomTokens
{
    public const int MinLength = 32;

    /// <summary>The shortest part of a token cut by an ellipsis that is still taken for a key's.</summary>
    public const int MinCutLength = 8;

    public static bool LooksRandom(ReadOnlySpan<char> token, int minLength = MinLength)
    {
        if (token.Length < minLength)
        {
            return false;
        }

        bool upper = false, lower = false, digit = false;
        var switches = 0;
        var previous = CharClass.Other;
        foreach (var c in token)
        {
            var current = Classify(c);
            upper |= current == CharClass.Upper;
            lower |= current == CharClass.Lower;
            digit |= current == CharClass.Digit;
            if (current != CharClass.Other && previous != CharClass.Other && current != previous)
            {
                switches++;
            }

            previous = current;
        }

        // A third of the length sits about three standard deviations below what random text of this length shows.
        return upper && lower && digit && switches * 3 >= token.Length;
    }

    private static CharClass Classify(char c) =>
        char.IsAsciiLetterUpper(c) ? CharClass.Upper
        : char.IsAsciiLetterLower(c) ? CharClass.Lower
        : char.IsAsciiDigit(c) ? CharClass.Digit
        : CharClass.Other;

    private enum CharClass
    {
        Other,
        Upper,
        Lower,
        Digit,
    }
}
