using MixtralPS.Core.Input;

namespace MixtralPS.Core.Tests.Input;

public sealed class TokenEstimateTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("word", 1)]
    [InlineData("hello world", 4)]
    [InlineData("a, b.", 4)]
    [InlineData("日本語の文章", 6)]
    public void Counts_word_pieces_symbols_and_unspaced_scripts(string text, int expected) =>
        Assert.Equal(expected, TokenEstimate.Of(text));

    [Fact]
    public void Leans_high_for_English_prose()
    {
        // Mistral's tokenizers take about 4.2 characters a token for English prose; the estimate must not be lower.
        var prose = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog near the riverbank. ", 50));
        Assert.True(TokenEstimate.Of(prose) >= prose.Length / 4.2);
    }
}
