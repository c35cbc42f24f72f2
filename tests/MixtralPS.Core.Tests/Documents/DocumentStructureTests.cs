using MixtralPS.Core.Chunking;
using MixtralPS.Core.Documents;
using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Tests.Documents;

public sealed class DocumentStructureTests
{
    private const string Guide = """
        ---
        title: "Deploy Guide"
        tags: [ops]
        ---
        # Deploy Guide

        Intro text before any section.

        ## Install

        Run the installer.

        ```bash
        # not a heading: a comment in code
        make install
        ```

        ### Linux
        Use the package.

        Windows
        -------

        Use the MSI.

        ## Rotate keys
        Rotate every 90 days.
        """;

    [Fact]
    public void Markdown_sections_follow_the_headings_with_the_title_from_front_matter_and_skip_code()
    {
        var (title, sections) = DocumentStructure.Markdown(Guide);

        Assert.Equal("Deploy Guide", title);
        Assert.Equal(
            ["Deploy Guide", "Deploy Guide > Install", "Deploy Guide > Install > Linux", "Deploy Guide > Windows", "Deploy Guide > Rotate keys"],
            sections.Select(s => s.Heading));
        Assert.DoesNotContain(sections, s => Guide.Substring(s.Start, s.Length).Contains("tags:", StringComparison.Ordinal));
        Assert.Contains("make install", Guide.Substring(sections[1].Start, sections[1].Length), StringComparison.Ordinal);
        // Sections tile the body: each starts where the one before ended.
        Assert.All(sections.Zip(sections.Skip(1)), p => Assert.Equal(p.First.Start + p.First.Length, p.Second.Start));
    }

    [Fact]
    public void Markdown_without_headings_is_one_untitled_section()
    {
        var (title, sections) = DocumentStructure.Markdown("Just a paragraph.\n\nAnd another.");

        Assert.Null(title);
        Assert.Null(Assert.Single(sections).Heading);
    }

    [Fact]
    public void Html_sections_come_from_the_visible_headings_under_the_page_title()
    {
        const string Html = """
            <html><head><title>Team Handbook</title></head><body>
            <h1>Team Handbook</h1><p>Welcome.</p>
            <h2>On call</h2><p>Rotations are weekly.</p>
            <div hidden><h2>Secret</h2></div>
            <h3>Escalation</h3><p>Page the lead after 15 minutes.</p>
            </body></html>
            """;
        var path = Path.Combine(Path.GetTempPath(), $"handbook-{Guid.NewGuid():N}.html");
        File.WriteAllText(path, Html);
        try
        {
            var document = DocumentLoader.Load(path, CancellationToken.None);

            Assert.Equal("Team Handbook", document.Title);
            Assert.Equal(["Team Handbook", "Team Handbook > On call", "Team Handbook > On call > Escalation"], document.Sections!.Select(s => s.Heading));
            Assert.Contains("15 minutes", document.Text.Substring(document.Sections![2].Start, document.Sections[2].Length), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Chunks_of_a_sectioned_document_carry_their_heading_and_stay_within_the_token_limit_with_it()
    {
        var text = Guide.Replace("Use the package.", string.Join(" ", Enumerable.Repeat("Use the package from the mirror.", 30)), StringComparison.Ordinal);
        var (title, sections) = DocumentStructure.Markdown(text);
        var document = new LoadedDocument("guide.md", text, DocumentFormats.Markdown, "utf-8") { Title = title, Sections = sections };
        static int Tokens(string t) => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var ingestor = new RagIngestor(null!, null!, new RecursiveChunker(400, 40, Tokens, 40));

        var chunks = ingestor.Split(document);

        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Chunk.Ordinal));
        Assert.All(chunks, c => Assert.Equal(c.Chunk.Text, text.Substring(c.Chunk.Start, c.Chunk.Length)));
        Assert.All(chunks, c => Assert.True(Tokens(ChunkIdentity.WithHeading(c.Heading, c.Chunk.Text)) <= 40, $"{c.Heading}: {c.Chunk.Text}"));
        Assert.True(chunks.Count(c => c.Heading == "Deploy Guide > Install > Linux") > 1);
        Assert.Equal("Deploy Guide > Rotate keys", chunks[^1].Heading);
    }
}
