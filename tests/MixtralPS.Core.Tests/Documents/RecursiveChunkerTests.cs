using System.Diagnostics;
using System.Text;
using MixtralPS.Core.Chunking;
using static MixtralPS.Core.Tests.Documents.FixedChunkerTests;

namespace MixtralPS.Core.Tests.Documents;

public sealed class RecursiveChunkerTests
{
    public static TheoryData<int, int> Settings => new()
    {
        { 1, 0 }, { 2, 1 }, { 16, 0 }, { 16, 4 }, { 50, 10 }, { 100, 0 }, { 100, 99 }, { 512, 64 }, { 2000, 300 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Chunks_map_back_fit_and_are_trimmed(int size, int overlap)
    {
        foreach (var text in ChunkerTestTexts.All)
        {
            var chunks = new RecursiveChunker(size, overlap).Split(text);
            AssertMapsBack(text, chunks);
            AssertWellFormed(text, chunks, size);
        }
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Every_character_of_text_is_in_some_chunk(int size, int overlap)
    {
        foreach (var text in ChunkerTestTexts.All)
        {
            var covered = new bool[text.Length];
            foreach (var chunk in new RecursiveChunker(size, overlap).Split(text))
            {
                Array.Fill(covered, true, chunk.Start, chunk.Length);
            }

            for (var i = 0; i < text.Length; i++)
            {
                Assert.True(covered[i] || char.IsWhiteSpace(text[i]), $"offset {i} ('{text[i]}') is in no chunk");
            }
        }
    }

    [Fact]
    public void Paragraphs_are_kept_whole_when_they_fit()
    {
        var paragraphs = Enumerable.Range(0, 30).Select(i => $"Paragraph {i:00}. " + new string('p', 130)).ToList();
        var text = string.Join("\n\n", paragraphs);
        var chunks = new RecursiveChunker(512, 0).Split(text);
        foreach (var chunk in chunks)
        {
            // Each chunk is whole paragraphs: three of 146 characters (plus separators) fit in 512, four do not.
            var parts = chunk.Text.Split("\n\n");
            Assert.All(parts, p => Assert.Contains(p, paragraphs));
        }

        Assert.Equal(10, chunks.Count);
    }

    [Fact]
    public void Long_paragraphs_are_cut_at_sentence_ends_then_words()
    {
        var sentences = string.Join(' ', Enumerable.Range(0, 60).Select(i => $"This is sentence number {i} of the text."));
        var chunks = new RecursiveChunker(200, 0).Split(sentences);
        Assert.All(chunks, c => Assert.EndsWith(".", c.Text));

        var words = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"word{i}"));
        var wordChunks = new RecursiveChunker(100, 0).Split(words);
        Assert.All(wordChunks, c => Assert.Matches(@"^word\d+( word\d+)*$", c.Text));
        Assert.Equal(words, string.Join(' ', wordChunks.Select(c => c.Text)));
    }

    [Fact]
    public void Cjk_text_is_cut_after_its_sentence_ends()
    {
        var chunks = new RecursiveChunker(100, 0).Split(ChunkerTestTexts.Cjk.Replace("\n\n", string.Empty));
        Assert.All(chunks.SkipLast(1), c => Assert.Matches("[。！？]$", c.Text));
    }

    [Fact]
    public void A_word_longer_than_the_chunk_is_cut_by_characters()
    {
        var chunks = new RecursiveChunker(512, 0).Split(ChunkerTestTexts.LongWord);
        Assert.Equal("start", chunks[0].Text);
        Assert.All(chunks, c => Assert.InRange(c.Length, 1, 512));
        Assert.Equal("end", chunks[^1].Text[^3..]);
        Assert.Equal(ChunkerTestTexts.LongWord.Replace(" ", string.Empty), string.Concat(chunks.Select(c => c.Text)).Replace(" ", string.Empty));
    }

    [Fact]
    public void Consecutive_chunks_overlap_from_a_word_start()
    {
        var text = ChunkerTestTexts.Prose;
        var chunks = new RecursiveChunker(300, 64).Split(text);
        Assert.True(chunks.Count > 10);
        for (var i = 1; i < chunks.Count; i++)
        {
            var overlap = chunks[i - 1].End - chunks[i].Start;
            Assert.InRange(overlap, 1, 64);
            Assert.True(char.IsWhiteSpace(text[chunks[i].Start - 1]), $"chunk {i} starts inside a word");
        }

        // The overlap is about the size asked for, not a token few characters.
        var average = Enumerable.Range(1, chunks.Count - 1).Average(i => chunks[i - 1].End - chunks[i].Start);
        Assert.InRange(average, 40, 64);
    }

    [Fact]
    public void Whitespace_only_text_has_no_chunks()
    {
        var chunker = new RecursiveChunker();
        Assert.Empty(chunker.Split(string.Empty));
        Assert.Empty(chunker.Split(" \r\n\t \n\n "));
        var single = Assert.Single(chunker.Split("\n\n  hello world  \n"));
        Assert.Equal(new TextChunk(0, 4, 11, "hello world"), single);
    }

    [Fact]
    public void A_long_run_of_blank_lines_does_not_stall_the_overlap()
    {
        var text = "first part of the text" + new string('\n', 5000) + "second part";
        var chunks = new RecursiveChunker(100, 50).Split(text);
        Assert.Equal(["first part of the text", "second part"], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Token_limit_is_enforced_on_every_chunk()
    {
        foreach (var text in ChunkerTestTexts.All)
        {
            foreach (var (size, overlap, max) in new[] { (512, 64, 20), (512, 0, 8), (100, 30, 5), (2000, 200, 60) })
            {
                var chunks = new RecursiveChunker(size, overlap, WordsPlusTwo, max).Split(text);
                Assert.All(chunks, c => Assert.True(WordsPlusTwo(c.Text) <= max, $"{WordsPlusTwo(c.Text)} > {max} tokens: '{c.Text}'"));
                AssertMapsBack(text, chunks);
                AssertWellFormed(text, chunks, size);
            }
        }
    }

    [Fact]
    public void Token_limit_on_cjk_with_a_per_character_counter()
    {
        // Like a WordPiece tokenizer on Japanese: about one token per character.
        static int PerCharacter(string s) => s.Length + 2;
        var chunks = new RecursiveChunker(512, 64, PerCharacter, 128).Split(ChunkerTestTexts.Cjk);
        Assert.All(chunks, c => Assert.True(PerCharacter(c.Text) <= 128));
        Assert.True(chunks.Average(c => c.Length) > 80, "chunks should fill most of the token budget");
        AssertMapsBack(ChunkerTestTexts.Cjk, chunks);
    }

    [Fact]
    public void A_token_limit_no_character_fits_is_an_error()
    {
        var chunker = new RecursiveChunker(100, 10, _ => 50, 10);
        var error = Assert.Throws<InvalidOperationException>(() => chunker.Split("some text"));
        Assert.Contains("too small", error.Message);
    }

    [Fact]
    public void Defaults_and_description()
    {
        var chunker = new RecursiveChunker();
        Assert.Equal((512, 64, 0), (chunker.ChunkSize, chunker.ChunkOverlap, chunker.MaxTokens));
        Assert.Equal("Recursive", chunker.Name);
        Assert.Equal("Recursive(size=512, overlap=64)", chunker.Describe());
        Assert.Equal("Recursive(size=256, overlap=0, maxTokens=128)", new RecursiveChunker(256, 0, WordsPlusTwo, 128).Describe());
    }

    [Fact]
    public void Bad_parameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveChunker(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveChunker(100, -1));
        var equal = Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveChunker(100, 100));
        Assert.Contains("less than ChunkSize", equal.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveChunker(100, 10, WordsPlusTwo, 0));
        Assert.Throws<ArgumentException>(() => new RecursiveChunker(100, 10, null, 50));
    }

    private static void AssertWellFormed(string text, IReadOnlyList<TextChunk> chunks, int size)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.True(chunk.Length > 0, $"chunk {i} is empty");
            Assert.False(char.IsWhiteSpace(chunk.Text[0]) || char.IsWhiteSpace(chunk.Text[^1]), $"chunk {i} is not trimmed: '{chunk.Text}'");

            // A surrogate pair is the smallest piece: with ChunkSize 1 a chunk may be one pair.
            Assert.True(chunk.Length <= Math.Max(size, 2), $"chunk {i} has {chunk.Length} > {size} characters");
            if (i > 0)
            {
                Assert.True(chunk.Start > chunks[i - 1].Start && chunk.End > chunks[i - 1].End, $"chunk {i} does not move forward");
            }
        }
    }
}
