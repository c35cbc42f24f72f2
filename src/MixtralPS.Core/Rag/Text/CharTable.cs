using System.Globalization;
using System.Text;

namespace MixtralPS.Core.Rag.Text;

/// <summary>What a character does in a word (see <see cref="CharTable"/>).</summary>
internal enum CharKind : byte
{
    Separator = 0,
    /// <summary>A letter or digit of a script that separates words with spaces.</summary>
    Word = 1,
    /// <summary>A combining mark: it continues the token before it and never starts one.</summary>
    Mark = 2,
    // Scripts written without spaces between words: each is indexed as overlapping bigrams of its run.
    Cjk = 3,
    Hangul = 4,
    Thai = 5,
    Lao = 6,
    Khmer = 7,
    Myanmar = 8,
}

/// <summary>
/// Every UTF-16 character's kind and folded form, computed once, so the analyzer's loop does a table look-up per
/// character instead of Unicode calls. The rules are unicode61's with remove_diacritics 2 (SQLite's fts5_tokenize.c
/// and fts5_unicode2.c), rebuilt here from .NET's Unicode data.
/// </summary>
internal static class CharTable
{
    /// <summary>Per BMP character: its <see cref="CharKind"/>.</summary>
    public static readonly CharKind[] Kinds = new CharKind[0x10000];

    /// <summary>Per BMP character: its lower-case form without diacritics; 0 for a diacritic that is dropped.</summary>
    public static readonly char[] Folded = new char[0x10000];

    static CharTable()
    {
        for (var i = 0; i < 0x10000; i++)
        {
            var c = (char)i;
            // A surrogate pair is read as one code point; a lone half, like U+FFFE and U+FFFF, reaches SQLite as U+FFFD,
            // a symbol: a separator.
            if (char.IsSurrogate(c) || i >= 0xFFFE) continue;
            var kind = KindOf(i, char.GetUnicodeCategory(c));
            Kinds[i] = kind;
            Folded[i] = kind == CharKind.Mark ? (IsRemovableDiacritic(i) ? '\0' : c) : kind == CharKind.Separator ? c : Fold(c);
        }
    }

    /// <summary>The kind of a code point from its category; used for supplementary code points too.</summary>
    public static CharKind KindOf(int codePoint, UnicodeCategory category)
    {
        switch (category)
        {
            // unicode61's token categories are "L* N* Co", plus the unassigned (its category 0 is always a token
            // character), so a letter of a script newer than the tables still forms words.
            case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned:
                return ScriptKind(codePoint);
            // unicode61 keeps only the Latin diacritics it removes inside a word and splits at every other mark;
            // that cuts Devanagari, Thai, Hebrew or vowelled Arabic words apart, so here every mark continues a word.
            case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark:
                return CharKind.Mark;
            default:
                return CharKind.Separator;
        }
    }

    private static CharKind ScriptKind(int c) => c switch
    {
        >= 0x0E00 and <= 0x0E7F => CharKind.Thai,
        >= 0x0E80 and <= 0x0EFF => CharKind.Lao,
        (>= 0x1000 and <= 0x109F) or (>= 0xA9E0 and <= 0xA9FF) or (>= 0xAA60 and <= 0xAA7F) => CharKind.Myanmar,
        (>= 0x1100 and <= 0x11FF) or (>= 0x3130 and <= 0x318F) or (>= 0xA960 and <= 0xA97F)
            or (>= 0xAC00 and <= 0xD7FF) or (>= 0xFFA0 and <= 0xFFDF) => CharKind.Hangul,
        (>= 0x1780 and <= 0x17FF) or (>= 0x19E0 and <= 0x19FF) => CharKind.Khmer,
        // Han with its iteration marks and numerals, Hiragana, Katakana (with halfwidth forms) and Bopomofo: Japanese
        // runs them together within words, so they are one bigram class.
        (>= 0x2E80 and <= 0x2FDF) or (>= 0x3005 and <= 0x3007) or (>= 0x3021 and <= 0x3029) or (>= 0x3031 and <= 0x3035)
            or (>= 0x3038 and <= 0x303C) or (>= 0x3040 and <= 0x312F) or (>= 0x31A0 and <= 0x31BF)
            or (>= 0x31F0 and <= 0x31FF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0xFF66 and <= 0xFF9F)
            or (>= 0x1AFF0 and <= 0x1B16F) or (>= 0x20000 and <= 0x3FFFF) => CharKind.Cjk,
        _ => CharKind.Word,
    };

    /// <summary>
    /// The combining marks unicode61 drops (U+0300..U+0331 less a few: its sqlite3Fts5UnicodeIsdiacritic); these are
    /// the marks of the Latin letters whose diacritics it removes.
    /// </summary>
    public static bool IsRemovableDiacritic(int c) => c is (>= 0x300 and <= 0x304) or (>= 0x306 and <= 0x30C)
        or 0x30F or 0x311 or 0x31B or (>= 0x323 and <= 0x328) or 0x32D or 0x32E or 0x330 or 0x331;

    /// <summary>
    /// Lower case, then a Latin letter with diacritics becomes its plain ASCII letter. unicode61 folds with
    /// CaseFolding.txt's simple foldings: these differ from .NET's lower-casing in a few Greek and Latin letters.
    /// </summary>
    private static char Fold(char c)
    {
        if (c < 0x80) return c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
        var lower = c switch
        {
            '\u00B5' => '\u03BC', // micro sign -> mu
            '\u017F' => 's',      // long s
            '\u03C2' => '\u03C3', // final sigma -> sigma
            '\u03D0' => '\u03B2',
            '\u03D1' => '\u03B8',
            '\u03D5' => '\u03C6',
            '\u03D6' => '\u03C0',
            '\u03F0' => '\u03BA',
            '\u03F1' => '\u03C1',
            '\u03F5' => '\u03B5',
            '\u1E9B' => '\u1E61',
            '\u1FBE' => '\u03B9',
            _ => char.ToLowerInvariant(c),
        };
        return lower is >= '\u0080' and < '\u1F00' ? RemoveDiacritics(lower) : lower;
    }

    /// <summary>An ASCII letter plus removable marks (canonical decomposition), such as é or ǘ, becomes the letter.</summary>
    private static char RemoveDiacritics(char c)
    {
        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        // ǡ is missing from SQLite's table of letters with diacritics, so unicode61 keeps it.
        if (decomposed.Length < 2 || !char.IsAsciiLetter(decomposed[0]) || c == '\u01E1') return c;
        for (var i = 1; i < decomposed.Length; i++)
        {
            if (!IsRemovableDiacritic(decomposed[i])) return c;
        }
        return char.ToLowerInvariant(decomposed[0]);
    }
}
