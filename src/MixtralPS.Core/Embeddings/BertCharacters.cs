using System.Globalization;
using System.Text;

namespace MixtralPS.Core.Embeddings;

/// <summary>
/// Character classes exactly as Hugging Face tokenizers' (Rust) BertNormalizer and BertPreTokenizer see them,
/// which is what sentence-transformers runs. .NET's Unicode data is newer than that crate's, so the handful of
/// code points whose class changed since are pinned in <see cref="BertUnicodeLegacy"/>.
/// </summary>
internal static class BertCharacters
{
    /// <summary>Removed by clean_text: NUL, U+FFFD and "other" (Cc, Cf, Co, Cs; not Cn), except tab/LF/CR.</summary>
    public static bool IsDropped(int cp)
    {
        if (cp < 0x80)
        {
            return cp is < 0x20 and not ('\t' or '\n' or '\r') or 0x7F;
        }

        if (cp == 0xFFFD)
        {
            return true;
        }

        if (BertUnicodeLegacy.Contains(BertUnicodeLegacy.NotOther, cp))
        {
            return false;
        }

        return CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    /// <summary>Rust's <c>char::is_whitespace</c> (the White_Space property), as both the normalizer and pre-tokenizer use.</summary>
    public static bool IsWhitespace(int cp) =>
        cp is (>= '\t' and <= '\r') or ' ' or 0x85 or 0xA0 or 0x1680 or (>= 0x2000 and <= 0x200A)
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    /// <summary>CJK ideographs that get spaces around them; the range 0x2B920 (not Python's 0x2B820) is the Rust crate's.</summary>
    public static bool IsChinese(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    /// <summary>BertPreTokenizer's punctuation: any ASCII symbol, or a Unicode P* category.</summary>
    public static bool IsPunctuation(int cp)
    {
        if (cp < 0x80)
        {
            return cp is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126);
        }

        if (BertUnicodeLegacy.Contains(BertUnicodeLegacy.ExtraPunctuation, cp))
        {
            return true;
        }

        if (BertUnicodeLegacy.Contains(BertUnicodeLegacy.NotPunctuation, cp))
        {
            return false;
        }

        return CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Marks that strip_accents removes after NFD (Mn).</summary>
    public static bool IsNonspacingMark(int cp) =>
        BertUnicodeLegacy.Contains(BertUnicodeLegacy.ExtraNonspacingMark, cp)
        || (CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.NonSpacingMark
            && !BertUnicodeLegacy.Contains(BertUnicodeLegacy.NotNonspacingMark, cp));

    /// <summary>
    /// What strip_accents + lowercase make of one non-ASCII code point that survived clean_text:
    /// NFD, drop nonspacing marks, lower-case. Cached for the BMP (the common case), computed for the rest.
    /// </summary>
    public static string Fold(int cp)
    {
        if (cp < 0x10000)
        {
            return BmpFolds[cp] ??= ComputeFold(cp);
        }

        return ComputeFold(cp);
    }

    // Benign race: two threads may compute the same immutable string.
    private static readonly string?[] BmpFolds = new string?[0x10000];

    private static string ComputeFold(int cp)
    {
        var original = char.ConvertFromUtf32(cp);
        var decomposed = CanDecompose(cp) ? original.Normalize(NormalizationForm.FormD) : original;
        var builder = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (IsNonspacingMark(rune.Value))
            {
                continue;
            }

            // Simple case mapping; Rust's full mapping differs only for U+0130, whose dot NFD has already removed.
            var lowered = BertUnicodeLegacy.TryLowercase(rune.Value, out var lower) ? new Rune(lower) : Rune.ToLowerInvariant(rune);
            builder.Append(lowered.ToString());
        }

        return builder.ToString();
    }

    // string.Normalize throws on noncharacters (and lone surrogates, which never get here); they have no decomposition.
    private static bool CanDecompose(int cp) =>
        !(cp is >= 0xFDD0 and <= 0xFDEF || (cp & 0xFFFE) == 0xFFFE)
        && !BertUnicodeLegacy.Contains(BertUnicodeLegacy.NoDecomposition, cp);
}
