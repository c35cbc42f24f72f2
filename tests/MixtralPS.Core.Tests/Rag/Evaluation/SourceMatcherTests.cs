using MixtralPS.Core.Rag.Evaluation;

namespace MixtralPS.Core.Tests.Rag.Evaluation;

public sealed class SourceMatcherTests
{
    [Theory]
    [InlineData("/home/me/docs/otters.md", "/home/me/docs/otters.md", true)]
    [InlineData("otters.md", "/home/me/docs/otters.md", true)]
    [InlineData("docs/otters.md", "/home/me/docs/otters.md", true)]
    [InlineData("OTTERS.MD", "/home/me/docs/otters.md", true)]
    [InlineData("otters.md", @"C:\docs\otters.md", true)]
    [InlineData("ters.md", "/home/me/docs/otters.md", false)]
    [InlineData("otters.md", "/home/me/docs/otters.md.bak", false)]
    [InlineData("123", "123", true)]
    [InlineData("123", "5123", false)]
    [InlineData("*/docs/*.md", "/home/me/docs/otters.md", true)]
    [InlineData("*otters*", "/home/me/docs/sea-otters.txt", true)]
    [InlineData("*.md", "/home/me/docs/otters.txt", false)]
    [InlineData("/home/me/docs/otter?.md", "/home/me/docs/otters.md", true)]
    [InlineData("otter?.md", "/home/me/docs/otters.md", false)]
    [InlineData("", "/home/me/docs/otters.md", false)]
    public void Matches(string expected, string source, bool matches) => Assert.Equal(matches, SourceMatcher.Matches(expected, source));
}
