using MixtralPS.Core.Mcp;

namespace MixtralPS.Core.Tests.Mcp;

public sealed class McpServerAddressTests
{
    [Fact]
    public void SplitsACommandLineAsAShellSplitsWordsWithoutExpandingAnything()
    {
        var address = McpServerAddress.Parse("npx -y \"@scope/server files\" './my docs' $HOME *.md");
        Assert.Null(address.Url);
        Assert.Equal("npx", address.Command);
        Assert.Equal(["-y", "@scope/server files", "./my docs", "$HOME", "*.md"], address.Arguments);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8808/mcp")]
    [InlineData("https://tools.example/mcp")]
    public void TakesAnHttpUrlAsStreamableHttp(string url)
    {
        var address = McpServerAddress.Parse(url);
        Assert.Equal(new Uri(url), address.Url);
        Assert.Null(address.Command);
    }

    [Theory]
    [InlineData("node \"server.js")]
    [InlineData("   ")]
    public void RefusesAnUnclosedQuoteOrNothing(string text) =>
        Assert.Throws<ArgumentException>(() => McpServerAddress.Parse(text));

    [Fact]
    public void KeepsAnEmptyQuotedWord() =>
        Assert.Equal(["tool", "", "x"], McpServerAddress.Split("tool \"\" x"));
}
