using System.Globalization;
using System.Text;
using MixtralPS.Core.Rag.Text;

namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>
/// A plain Okapi BM25 over a set of chunks, in memory, as the yardstick for the index's keyword search: words are runs
/// of letters and digits, lower-cased, accents removed, optionally Porter-stemmed (ASCII words, with the keyword
/// index's own stemmer); no stop words, no special handling of any script. The idf is Lucene's
/// (never negative): ln(1 + (N - df + 0.5) / (df + 0.5)); k1 0.9 and b 0.4 are Anserini's/Pyserini's defaults, with
/// which BEIR's BM25 figures were made. Each distinct word of the question counts once.
/// </summary>
public sealed class Bm25Baseline
{
    private readonly Dictionary<string, List<(int Chunk, int Frequency)>> postings = new(StringComparer.Ordinal);
    private readonly List<string> sources = [];
    private readonly List<int> lengths = [];
    private readonly bool stem;
    private double averageLength;

    public Bm25Baseline(IEnumerable<(string Source, string Text)> chunks, bool stem = true, double k1 = 0.9, double b = 0.4)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        this.stem = stem;
        K1 = k1;
        B = b;
        foreach (var (source, text) in chunks)
        {
            Add(source, text);
        }

        averageLength = lengths.Count == 0 ? 0 : lengths.Average();
    }

    public double K1 { get; }

    public double B { get; }

    public int Count => sources.Count;

    /// <summary>The words of a text as the baseline indexes and searches them.</summary>
    public IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) is not UnicodeCategory.NonSpacingMark and not UnicodeCategory.SpacingCombiningMark && word.Length > 0)
            {
                yield return Finish(word);
            }
        }

        if (word.Length > 0)
        {
            yield return Finish(word);
        }
    }

    private string Finish(StringBuilder word)
    {
        var text = word.ToString();
        word.Clear();
        if (!stem || text.Length > PorterStemmer.MaxBytes || !Ascii.IsValid(text))
        {
            return text;
        }

        Span<char> buffer = stackalloc char[PorterStemmer.BufferBytes];
        text.CopyTo(buffer);
        return new string(buffer[..PorterStemmer.Stem(buffer, text.Length)]);
    }

    private void Add(string source, string text)
    {
        var chunk = sources.Count;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var length = 0;
        foreach (var word in Words(text))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
            length++;
        }

        foreach (var (word, count) in counts)
        {
            if (!postings.TryGetValue(word, out var list))
            {
                postings[word] = list = [];
            }

            list.Add((chunk, count));
        }

        sources.Add(source);
        lengths.Add(length);
    }

    /// <summary>The best <paramref name="top"/> chunks' sources and scores, best first (ties: earlier chunk first).</summary>
    public IReadOnlyList<(string Source, double Score)> Search(string question, int top)
    {
        var scores = new Dictionary<int, double>();
        var n = sources.Count;
        foreach (var word in Words(question).Distinct(StringComparer.Ordinal))
        {
            if (!postings.TryGetValue(word, out var list))
            {
                continue;
            }

            var idf = Math.Log(1 + (n - list.Count + 0.5) / (list.Count + 0.5));
            foreach (var (chunk, tf) in list)
            {
                var norm = K1 * (1 - B + B * lengths[chunk] / averageLength);
                scores[chunk] = scores.GetValueOrDefault(chunk) + idf * tf * (K1 + 1) / (tf + norm);
            }
        }

        return scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Take(top).Select(s => (sources[s.Key], s.Value)).ToList();
    }
}
