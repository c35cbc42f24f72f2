using MixtralPS.Core.Chunking;

namespace MixtralPS.Core.Tests.Documents;

public sealed class FixedChunkerTests
{
    [Fact]
    public void Slices_exactly_as_the_tutorial_does()
    {
        foreach (var size in new[] { 1, 7, 100, 512, 2048 })
        {
            foreach (var text in new[] { ChunkerTestTexts.Prose, ChunkerTestTexts.Crlf, ChunkerTestTexts.LongWord, "  \n\n  " })
            {
                // [text[i:i + size] for i in range(0, len(text), size)]
                var expected = new List<string>();
                for (var i = 0; i < text.Length; i += size)
                {
                    expected.Add(text.Substring(i, Math.Min(size, text.Length - i)));
                }

                var chunks = new FixedChunker(size).Split(text);
                Assert.Equal(expected, chunks.Select(c => c.Text));
                AssertMapsBack(text, chunks);
            }
        }
    }

    [Fact]
    public void Counts_code_points_as_python_does_so_pairs_stay_whole()
    {
        foreach (var text in new[] { ChunkerTestTexts.Emoji, ChunkerTestTexts.Cjk, ChunkerTestTexts.Random(4) })
        {
            var points = new List<string>();
            foreach (var rune in text.EnumerateRunes())
            {
                points.Add(rune.ToString());
            }

            var expected = points.Chunk(10).Select(c => string.Concat(c)).ToList();
            var chunks = new FixedChunker(10).Split(text);
            Assert.Equal(expected, chunks.Select(c => c.Text));
            AssertMapsBack(text, chunks);
        }
    }

    [Fact]
    public void Defaults_and_description()
    {
        var chunker = new FixedChunker();
        Assert.Equal(512, chunker.ChunkSize);
        Assert.Equal("Fixed", chunker.Name);
        Assert.Equal("Fixed(size=512)", chunker.Describe());
        Assert.Equal("Fixed(size=100, maxTokens=20)", new FixedChunker(100, WordsPlusTwo, 20).Describe());
        Assert.Empty(chunker.Split(string.Empty));
        Assert.Equal(2, chunker.Split(new string('a', 513)).Count);
    }

    [Fact]
    public void Slices_over_the_token_limit_are_cut_further_without_gaps()
    {
        foreach (var text in ChunkerTestTexts.All)
        {
            var chunks = new FixedChunker(400, WordsPlusTwo, 12).Split(text);
            Assert.All(chunks, c => Assert.True(WordsPlusTwo(c.Text) <= 12, $"{WordsPlusTwo(c.Text)} tokens: '{c.Text}'"));
            Assert.Equal(text, string.Concat(chunks.Select(c => c.Text)));
            AssertMapsBack(text, chunks);
        }
    }

    [Fact]
    public void Bad_parameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedChunker(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedChunker(10, WordsPlusTwo, 0));
        Assert.Throws<ArgumentException>(() => new FixedChunker(10, null, 5));
        var tooSmall = new FixedChunker(10, _ => 100, 5);
        Assert.Contains("too small", Assert.Throws<InvalidOperationException>(() => tooSmall.Split("abc")).Message);
    }

    /// <summary>A fake token counter: words plus the two special tokens.</summary>
    internal static int WordsPlusTwo(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length + 2;

    internal static void AssertMapsBack(string text, IReadOnlyList<TextChunk> chunks)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.Equal(i, chunk.Ordinal);
            Assert.Equal(chunk.Text, text.Substring(chunk.Start, chunk.Length));
            Assert.False(char.IsLowSurrogate(text[chunk.Start]) && chunk.Start > 0 && char.IsHighSurrogate(text[chunk.Start - 1]), $"chunk {i} starts inside a pair");
            Assert.False(chunk.End < text.Length && char.IsLowSurrogate(text[chunk.End]) && char.IsHighSurrogate(text[chunk.End - 1]), $"chunk {i} ends inside a pair");
        }
    }
}
