namespace MixtralPS.Core.Rag.Text;

/// <summary>
/// The Porter stemmer exactly as SQLite FTS5's <c>porter</c> tokenizer applies it, so that terms made here are the
/// terms FTS5 would make. Like FTS5 it works on the word's UTF-8 bytes (here one char per byte, so an ASCII word is
/// stemmed where it lies): a non-ASCII byte is a consonant, so a word in another script passes unchanged while a
/// mixed word loses its English suffixes as FTS5's does. Where FTS5
/// departs from Porter's 1980 paper it is followed: the later "bli"/"logi" rules, "y" counting as a vowel anywhere but
/// first in (*v*), and words under 3 or over 64 bytes left alone.
/// </summary>
internal static class PorterStemmer
{
    /// <summary>Words longer than this (in UTF-8 bytes) are not stemmed: FTS5_PORTER_MAX_TOKEN.</summary>
    public const int MaxBytes = 64;

    /// <summary>Room the stemmer needs beyond the word: a step may add a letter before later steps shorten it.</summary>
    public const int BufferBytes = MaxBytes + 8;

    private enum Condition : byte { None, MGt0, MGt1, MGt1AndSOrT, HasVowel }

    private readonly record struct Rule(string Suffix, string Replacement, Condition Condition);

    // Each step's rules, grouped by their suffix's next-to-last letter: a word is checked against one group only,
    // and within the group the first suffix that matches decides, whether or not its condition holds.
    private static readonly Rule[][] Step1B = Group(Condition.None, ("eed", "ee", Condition.MGt0), ("ed", "", Condition.HasVowel), ("ing", "", Condition.HasVowel));
    private static readonly Rule[][] Step1B2 = Group(Condition.None, ("at", "ate", default), ("bl", "ble", default), ("iz", "ize", default));
    private static readonly Rule[][] Step2 = Group(Condition.MGt0,
        ("ational", "ate", default), ("tional", "tion", default), ("enci", "ence", default), ("anci", "ance", default),
        ("izer", "ize", default), ("logi", "log", default), ("bli", "ble", default), ("alli", "al", default),
        ("entli", "ent", default), ("eli", "e", default), ("ousli", "ous", default), ("ization", "ize", default),
        ("ation", "ate", default), ("ator", "ate", default), ("alism", "al", default), ("iveness", "ive", default),
        ("fulness", "ful", default), ("ousness", "ous", default), ("aliti", "al", default), ("iviti", "ive", default),
        ("biliti", "ble", default));
    private static readonly Rule[][] Step3 = Group(Condition.MGt0,
        ("icate", "ic", default), ("ative", "", default), ("alize", "al", default), ("iciti", "ic", default),
        ("ical", "ic", default), ("ful", "", default), ("ness", "", default));
    private static readonly Rule[][] Step4 = Group(Condition.MGt1,
        ("al", "", default), ("ance", "", default), ("ence", "", default), ("er", "", default), ("ic", "", default),
        ("able", "", default), ("ible", "", default), ("ant", "", default), ("ement", "", default), ("ment", "", default),
        ("ent", "", default), ("ion", "", Condition.MGt1AndSOrT), ("ou", "", default), ("ism", "", default),
        ("ate", "", default), ("iti", "", default), ("ous", "", default), ("ive", "", default), ("ize", "", default));

    /// <summary>Stems the lower-case UTF-8 word in <paramref name="w"/>[..n] in place, one byte a char, with room for
    /// a letter more; returns its new length.</summary>
    public static int Stem(Span<char> w, int n)
    {
        if (n < 3 || n > MaxBytes) return n;

        // Step 1a: plurals.
        if (w[n - 1] == 's')
        {
            if (w[n - 2] == 'e') n -= (n > 4 && w[n - 4] == 's' && w[n - 3] == 's') || (n > 3 && w[n - 3] == 'i') ? 2 : 1;
            else if (w[n - 2] != 's') n--;
        }

        // Step 1b: -ed, -ing, then tidying the stem they leave.
        if (Apply(Step1B, w, ref n, out var rule) && rule.Condition == Condition.HasVowel)
        {
            if (!Apply(Step1B2, w, ref n, out _))
            {
                var c = w[n - 1];
                if (n >= 2 && !IsVowel(c, false) && c is not ('l' or 's' or 'z') && c == w[n - 2]) n--;
                else if (MEq1(w[..n]) && EndsCvc(w[..n])) w[n++] = 'e';
            }
        }

        // Step 1c: y -> i after a vowel.
        if (w[n - 1] == 'y' && HasVowel(w[..(n - 1)])) w[n - 1] = 'i';

        Apply(Step2, w, ref n, out _);
        Apply(Step3, w, ref n, out _);
        Apply(Step4, w, ref n, out _);

        // Step 5a: a final e goes when the stem is long enough.
        if (w[n - 1] == 'e' && (MGt1(w[..(n - 1)]) || (MEq1(w[..(n - 1)]) && !EndsCvc(w[..(n - 1)])))) n--;

        // Step 5b: -ll -> -l.
        if (n > 1 && w[n - 1] == 'l' && w[n - 2] == 'l' && MGt1(w[..(n - 1)])) n--;
        return n;
    }

    /// <summary>Finds the step's rule for the word's suffix; applies it if its condition holds (then returns true).</summary>
    private static bool Apply(Rule[][] step, Span<char> w, ref int n, out Rule applied)
    {
        applied = default;
        if (n < 2 || w[n - 2] >= 128) return false;
        foreach (var rule in step[w[n - 2]])
        {
            var suffix = rule.Suffix;
            // Strictly longer than the suffix: FTS5 never strips a whole word.
            if (n <= suffix.Length || !w[(n - suffix.Length)..n].SequenceEqual(suffix.AsSpan())) continue;
            var stem = n - suffix.Length;
            if (!Holds(rule.Condition, w[..stem])) return false;
            rule.Replacement.CopyTo(w[stem..]);
            n = stem + rule.Replacement.Length;
            applied = rule;
            return true;
        }
        return false;
    }

    private static bool Holds(Condition condition, ReadOnlySpan<char> stem) => condition switch
    {
        Condition.MGt0 => GobbleVc(stem, false) > 0,
        Condition.MGt1 => MGt1(stem),
        Condition.MGt1AndSOrT => stem[^1] is 's' or 't' && MGt1(stem),
        Condition.HasVowel => HasVowel(stem),
        _ => true,
    };

    private static bool IsVowel(char c, bool yIsVowel) =>
        c is 'a' or 'e' or 'i' or 'o' or 'u' || (yIsVowel && c == 'y');

    /// <summary>Skips one vowel run then one consonant (a "VC" of Porter's measure m); returns the index after it, or
    /// 0 when there is none. "y" is a vowel after a consonant.</summary>
    private static int GobbleVc(ReadOnlySpan<char> s, bool previousIsConsonant)
    {
        var consonant = previousIsConsonant;
        var i = 0;
        for (; i < s.Length; i++)
        {
            consonant = !IsVowel(s[i], consonant);
            if (!consonant) break;
        }
        for (i++; i < s.Length; i++)
        {
            consonant = !IsVowel(s[i], consonant);
            if (consonant) return i + 1;
        }
        return 0;
    }

    private static bool MGt1(ReadOnlySpan<char> s)
    {
        var n = GobbleVc(s, false);
        return n > 0 && GobbleVc(s[n..], true) > 0;
    }

    private static bool MEq1(ReadOnlySpan<char> s)
    {
        var n = GobbleVc(s, false);
        return n > 0 && GobbleVc(s[n..], true) == 0;
    }

    /// <summary>Porter's *o: ends consonant-vowel-consonant, the last not w, x or y.</summary>
    private static bool EndsCvc(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || s[^1] is 'w' or 'x' or 'y') return false;
        var mask = 0;
        var consonant = false;
        foreach (var c in s)
        {
            consonant = !IsVowel(c, consonant);
            mask = (mask << 1) | (consonant ? 1 : 0);
        }
        return (mask & 7) == 5;
    }

    /// <summary>Porter's *v*: FTS5 counts "y" as a vowel anywhere but at the start.</summary>
    private static bool HasVowel(ReadOnlySpan<char> s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (IsVowel(s[i], i > 0)) return true;
        }
        return false;
    }

    private static Rule[][] Group(Condition common, params (string Suffix, string Replacement, Condition Condition)[] rules)
    {
        var lists = new List<Rule>[128];
        foreach (var (suffix, replacement, condition) in rules)
        {
            var key = suffix[^2];
            (lists[key] ??= []).Add(new Rule(suffix, replacement, condition == Condition.None ? common : condition));
        }
        return lists.Select(l => l?.ToArray() ?? []).ToArray();
    }
}
