using System.Text.Json;
using ModelContextProtocol.Protocol;
using MixtralPS.Core.Mcp;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;

namespace MixtralPS.Core.Tests.Mcp;

/// <summary>The server's tools: their schemas, and bad calls answered as tool errors before the index is touched.</summary>
public sealed class McpIndexToolsTests
{
    private readonly McpIndexTools tools = new(new McpIndexAccess(
        RagIndexLocation.Folder(Path.Combine(Path.GetTempPath(), "mixtralps-no-index-" + Guid.NewGuid().ToString("N"))),
        (_, _) => throw new InvalidOperationException("The question is never embedded here.")));

    [Fact]
    public void DescribesThreeReadOnlyToolsWithClosedSchemas()
    {
        Assert.Equal(["search", "get_document", "list_sources"], McpIndexTools.Definitions.Select(t => t.Name));
        foreach (var tool in McpIndexTools.Definitions)
        {
            Assert.True(tool.Annotations!.ReadOnlyHint);
            Assert.False(tool.Annotations.DestructiveHint);
            Assert.False(tool.InputSchema.GetProperty("additionalProperties").GetBoolean());
        }

        Assert.Equal(McpIndexTools.MaxTop, McpIndexTools.Definitions[0].InputSchema.GetProperty("properties").GetProperty("top").GetProperty("maximum").GetInt32());
        Assert.NotNull(McpIndexTools.Definitions[0].OutputSchema);
    }

    [Theory]
    [InlineData("search", """{"top":3}""", "needs 'query'")]
    [InlineData("search", """{"query":"  "}""", "needs 'query'")]
    [InlineData("search", """{"query":"x","top":0}""", "'top' must be from 1 to 100")]
    [InlineData("search", """{"query":"x","top":2.5}""", "'top' must be an integer")]
    [InlineData("search", """{"query":"x","mode":"fuzzy"}""", "'mode' must be one of hybrid, vector, keyword")]
    [InlineData("search", """{"query":"x","source":[1]}""", "'source' must be a string or a list of strings")]
    [InlineData("search", """{"query":"x","colour":"red"}""", "no argument 'colour'")]
    [InlineData("get_document", """{"source":"a","format":"pdf"}""", "'format' must be one of text, chunks")]
    [InlineData("list_sources", """{"limit":5000}""", "'limit' must be from 1 to 1000")]
    [InlineData("list_sources", """{"offset":-1}""", "'offset' must be from 0")]
    [InlineData("drop_index", "{}", "There is no tool 'drop_index'")]
    public async Task AnswersABadCallWithAToolError(string name, string arguments, string message)
    {
        var result = await tools.CallAsync(Call(name, arguments), CancellationToken.None);
        Assert.True(result.IsError);
        Assert.Contains(message, Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswersAMissingIndexWithAToolErrorNotAnException()
    {
        var result = await tools.CallAsync(Call("list_sources", "{}"), CancellationToken.None);
        Assert.True(result.IsError);
        Assert.Contains("There is no index", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void PutsADocumentBackTogetherFromOverlappingChunks()
    {
        const string text = "alpha beta gamma delta epsilon";
        RagContextChunk Chunk(int ordinal, int start, int length) => new()
        {
            Rank = ordinal + 1, Score = 0, Text = text.Substring(start, length), Source = "a.txt", Start = start, Length = length,
            Ordinal = ordinal, ChunkId = ordinal + 1, Query = "", IndexPath = "x",
        };

        var result = McpToolResults.DocumentText("a.txt", [Chunk(0, 0, 16), Chunk(1, 11, 11), Chunk(2, 23, 7)]);
        Assert.Equal("alpha beta gamma delta\nepsilon", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal(3, result.StructuredContent!.Value.GetProperty("chunkCount").GetInt32());
    }

    [Theory]
    [InlineData("*.md", "docs/a.MD", true)]
    [InlineData("docs/?.md", "docs/a.md", true)]
    [InlineData("docs/?.md", "docs/ab.md", false)]
    [InlineData("a+b(c).txt", "a+b(c).txt", true)]
    public void MatchesSourcesAsPowerShellWildcards(string pattern, string source, bool matches) =>
        Assert.Equal(matches, SourcePattern.Filter([pattern])!(source));

    private static CallToolRequestParams Call(string name, string arguments)
    {
        using var document = JsonDocument.Parse(arguments);
        return new CallToolRequestParams
        {
            Name = name,
            Arguments = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
        };
    }
}
