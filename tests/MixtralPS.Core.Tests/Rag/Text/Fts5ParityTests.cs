using System.Globalization;
using System.Text;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Text;

namespace MixtralPS.Core.Tests.Rag.Text;

/// <summary>The analyzer's terms against SQLite FTS5's own (the SQLite that Microsoft.Data.Sqlite ships), text by text
/// and term by term in order.</summary>
public sealed class Fts5ParityTests
{
    [Fact]
    public void Porter_terms_are_FTS5_porter_terms_on_varied_text()
    {
        AssertSameTerms(AnalyzerTexts.Fixture(), KeywordStemming.Porter);
    }

    [Fact]
    public void Plain_terms_are_FTS5_unicode61_terms_on_varied_text()
    {
        AssertSameTerms(AnalyzerTexts.Fixture(), KeywordStemming.None);
    }

    [Fact]
    public void The_fixture_is_large_and_varied()
    {
        var terms = AnalyzerTexts.Fixture().SelectMany(TextAnalyzer.For(KeywordStemming.Porter).Terms).ToList();
        Assert.True(terms.Count > 5000, $"{terms.Count} terms");
        Assert.True(terms.Distinct().Count() > 1500, $"{terms.Distinct().Count()} distinct terms");
    }

    [SciFactFact]
    public void Porter_terms_are_FTS5_porter_terms_on_SciFact()
    {
        AssertSameTerms(AnalyzerTexts.SciFactDocuments(), KeywordStemming.Porter);
    }

    [SciFactFact]
    public void Plain_terms_are_FTS5_unicode61_terms_on_SciFact()
    {
        AssertSameTerms(AnalyzerTexts.SciFactDocuments(), KeywordStemming.None);
    }

    /// <summary>
    /// Every character of the Latin, IPA, Greek, Cyrillic, Hebrew, Arabic and general punctuation blocks, alone and
    /// inside a word (halfwidth Katakana and Hangul are bigrams, tested apart). Left out are the combining marks (the analyzer keeps inside words the marks unicode61 splits at)
    /// and the characters assigned or given a lower case after the Unicode version of SQLite's tables.
    /// </summary>
    [Fact]
    public void Each_character_of_the_common_blocks_is_FTS5s()
    {
        int[] newerThanSqlite =
        [
            0x037F, 0x0528, 0x052A, 0x052C, 0x052E, 0x058D, 0x058E, 0x0605, 0x061C, 0x061D, 0x07FE, 0x07FF,
            0x2066, 0x2067, 0x2068, 0x2069, 0x20BA, 0x20BB, 0x20BC, 0x20BD, 0x20BE, 0x20BF,
        ];
        var texts = new List<string>();
        foreach (var (first, last) in new[] { (0x0000, 0x07FF), (0x1E00, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x214F), (0xFB00, 0xFB06), (0xFF00, 0xFF65), (0xFFE0, 0xFFEF) })
        {
            for (var cp = first; cp <= last; cp++)
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(cp);
                if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                    or UnicodeCategory.Surrogate || cp == 0 || newerThanSqlite.Contains(cp)) continue;
                var s = char.ConvertFromUtf32(cp);
                texts.Add($"x{s}x {s}");
            }
        }
        AssertSameTerms(texts, KeywordStemming.None);
    }

    private static void AssertSameTerms(IReadOnlyList<string> texts, KeywordStemming stemming)
    {
        var expected = Fts5Tokens.Tokenize(texts, stemming == KeywordStemming.Porter ? Fts5Tokens.Porter : Fts5Tokens.Plain);
        var analyzer = TextAnalyzer.For(stemming);
        var report = new StringBuilder();
        var mismatches = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var actual = analyzer.Terms(texts[i]);
            if (actual.SequenceEqual(expected[i])) continue;
            if (++mismatches <= 10)
            {
                var diff = actual.Except(expected[i]).Take(5).Zip(expected[i].Except(actual).Take(5).Concat(Enumerable.Repeat("", 5)));
                report.AppendLine($"text {i}: analyzer/FTS5 {string.Join(", ", diff.Select(d => $"{Escape(d.First)}/{Escape(d.Second)}"))}");
            }
        }
        Assert.True(mismatches == 0, $"{mismatches} of {texts.Count} texts differ (SQLite {Fts5Tokens.SqliteVersion()}):\n{report}");
    }

    private static string Escape(string term) => string.Concat(term.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:X4}"));
}
