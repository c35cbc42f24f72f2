using System.Globalization;
using System.Text;

namespace MixtralPS.Core.Rag.Text;

/// <summary>
/// The keyword index's one analyzer: text to index terms, the same for documents and questions, so every store that
/// indexes its output (SQLite FTS5, PostgreSQL postings) matches the same terms and scores the same BM25.
/// <para>
/// Words are broken as SQLite FTS5's <c>unicode61 remove_diacritics 2</c> breaks them: letters, digits, private-use
/// and unassigned characters form words, combining marks continue them, everything else separates. Words are folded to
/// lower case and Latin letters lose their diacritics (é -> e, ǘ -> u); with <see cref="KeywordStemming.Porter"/>
/// they are stemmed exactly as FTS5's <c>porter</c> tokenizer does. Runs of Han, Hiragana, Katakana, Hangul, Thai,
/// Lao, Khmer and Myanmar, written without spaces between words, become overlapping bigrams ("東京都庁" -> 東京, 京都,
/// 都庁; one character alone stays itself), and a run ends where the script changes ("iPhone手机" -> iphone, 手机).
/// </para>
/// <para>
/// A term holds only word characters: its ASCII characters are lower-case letters and digits and it has no spaces.
/// So terms joined by spaces come back unchanged through FTS5's <c>ascii</c> tokenizer, which splits at ASCII
/// non-alphanumerics only: a store can index that string without tokenizing again.
/// </para>
/// <para>
/// Where the terms are not FTS5's, on purpose: the bigram scripts above; combining marks other than the Latin
/// diacritics unicode61 removes continue a word (unicode61 splits there, cutting Devanagari, Thai, Hebrew or vowelled
/// Arabic words apart); and characters are classed and folded by .NET's Unicode data, while SQLite's tables are of
/// about Unicode 6 and take what they do not know for word characters, so characters assigned or given a lower case
/// since (newer emoji and currency signs, Cherokee and Georgian capitals) can differ.
/// </para>
/// </summary>
public sealed class TextAnalyzer
{
    /// <summary>Identifies the analyzer's behaviour; stored with an index, a different value means re-indexing.</summary>
    public const string Version = "a1";

    private static readonly TextAnalyzer Plain = new(KeywordStemming.None);
    private static readonly TextAnalyzer Porter = new(KeywordStemming.Porter);

    private TextAnalyzer(KeywordStemming stemming) => Stemming = stemming;

    public KeywordStemming Stemming { get; }

    public static TextAnalyzer For(KeywordStemming stemming) => stemming switch
    {
        KeywordStemming.None => Plain,
        KeywordStemming.Porter => Porter,
        _ => throw new ArgumentOutOfRangeException(nameof(stemming), stemming, null),
    };

    /// <summary>The text's terms in text order, repeats kept (for term frequencies and lengths).</summary>
    public IReadOnlyList<string> Terms(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>(text.Length / 6 + 1);
        Analyze(text, terms);
        return terms;
    }

    /// <summary>A question's terms: each once, in order of first appearance.</summary>
    public IReadOnlyList<string> QueryTerms(string text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new List<string>();
        foreach (var term in Terms(text))
        {
            if (seen.Add(term)) distinct.Add(term);
        }
        return distinct;
    }

    private void Analyze(string text, List<string> terms)
    {
        // One pass: the current token's folded characters collect in a reused buffer; for a bigram script, so do
        // the offsets where each character (with its marks) starts.
        var buffer = new char[PorterStemmer.BufferBytes];
        var starts = new int[16];
        var length = 0;
        var clusters = 0;
        var ascii = true; // whether the current word is ASCII, so the stemmer can work on it in place
        var kind = CharKind.Separator; // the current token's kind; Separator when there is none
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            CharKind k;
            char folded;
            int supplementary = 0; // a code point above U+FFFF, whose folded form is itself or Deseret's lower case
            if (!char.IsSurrogate(c))
            {
                k = CharTable.Kinds[c];
                folded = CharTable.Folded[c];
                i++;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                supplementary = char.ConvertToUtf32(c, text[i + 1]);
                k = CharTable.KindOf(supplementary, CharUnicodeInfo.GetUnicodeCategory(supplementary));
                if (supplementary is >= 0x10400 and <= 0x10427) supplementary += 40; // the fold unicode61 applies there
                folded = '\0';
                i += 2;
            }
            else
            {
                k = CharKind.Separator;
                folded = c;
                i++;
            }

            if (k == CharKind.Separator || (k == CharKind.Mark && kind == CharKind.Separator))
            {
                if (kind != CharKind.Separator) Emit(terms, buffer, length, ascii, starts, clusters, kind);
                kind = CharKind.Separator;
                length = clusters = 0;
                ascii = true;
                continue;
            }
            if (k != CharKind.Mark && k != kind)
            {
                if (kind != CharKind.Separator) Emit(terms, buffer, length, ascii, starts, clusters, kind);
                kind = k;
                length = clusters = 0;
                ascii = true;
            }
            if (k != CharKind.Mark && kind != CharKind.Word)
            {
                if (clusters == starts.Length) Array.Resize(ref starts, clusters * 2);
                starts[clusters++] = length;
            }
            // Room for a surrogate pair, and a letter more for the stemmer.
            if (length + 3 > buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            if (supplementary != 0)
            {
                length += new Rune(supplementary).EncodeToUtf16(buffer.AsSpan(length));
                ascii = false;
            }
            else if (folded != '\0')
            {
                buffer[length++] = folded;
                ascii &= folded < 0x80;
            }
        }
        if (kind != CharKind.Separator) Emit(terms, buffer, length, ascii, starts, clusters, kind);
    }

    private void Emit(List<string> terms, char[] buffer, int length, bool ascii, int[] starts, int clusters, CharKind kind)
    {
        if (kind == CharKind.Word)
        {
            if (Stemming == KeywordStemming.Porter) length = ascii ? PorterStemmer.Stem(buffer, length) : StemUtf8(buffer, length);
            terms.Add(new string(buffer, 0, length));
            return;
        }
        if (clusters <= 1)
        {
            terms.Add(new string(buffer, 0, length));
            return;
        }
        for (var j = 0; j + 1 < clusters; j++)
        {
            var end = j + 2 < clusters ? starts[j + 2] : length;
            terms.Add(new string(buffer, starts[j], end - starts[j]));
        }
    }

    /// <summary>Stems a word with non-ASCII letters in <paramref name="buffer"/> through its UTF-8 bytes, as FTS5 sees
    /// it (its length limits count bytes); returns the stemmed word's length in the buffer.</summary>
    private static int StemUtf8(char[] buffer, int length)
    {
        var word = buffer.AsSpan(0, length);
        if (length > PorterStemmer.MaxBytes || Encoding.UTF8.GetByteCount(word) is < 3 or > PorterStemmer.MaxBytes) return length;
        Span<byte> bytes = stackalloc byte[PorterStemmer.BufferBytes];
        Span<char> widened = stackalloc char[PorterStemmer.BufferBytes];
        var count = Encoding.UTF8.GetBytes(word, bytes);
        for (var j = 0; j < count; j++) widened[j] = (char)bytes[j];
        count = PorterStemmer.Stem(widened, count);
        for (var j = 0; j < count; j++) bytes[j] = (byte)widened[j];
        return Encoding.UTF8.GetChars(bytes[..count], buffer);
    }
}
