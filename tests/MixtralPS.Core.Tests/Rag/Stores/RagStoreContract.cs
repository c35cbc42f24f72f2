using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;

namespace MixtralPS.Core.Tests.Rag.Stores;

/// <summary>
/// One contract for every store: the same cases, the same expected objects. A store passes it or it is not a store.
/// Subclasses give a fresh, empty index location (and skip, with the reason, when their server is missing).
/// </summary>
public abstract class RagStoreContract : StoreTestData
{
    protected abstract RagIndexLocation NewLocation();

    private static async Task<IReadOnlyList<RagContextChunk>> SearchAsync(RagIndexLocation location, RagQuery query)
    {
        using var reader = await RagIndexReader.OpenAsync(location, CancellationToken.None);
        return await reader.SearchAsync(query, null, CancellationToken.None);
    }

    [SkippableFact]
    public async Task Vector_search_returns_the_nearest_chunks_with_what_was_written()
    {
        var location = await SolarSystemAsync(NewLocation());

        var hits = await SearchAsync(location, new RagQuery("", North, 2, RetrievalMode.Vector));

        Assert.Equal([("alpha.txt", 0), ("alpha.txt", 1)], hits.Select(h => (h.Source, h.Ordinal)));
        Assert.Equal(1f, hits[0].Score, 3);
        Assert.Equal(0.8f, hits[1].Score, 3);
        Assert.Equal("Titan has lakes of liquid methane.", hits[0].Text);
        Assert.Equal((0, 34), (hits[0].Start, hits[0].Length));
        Assert.Equal((35, 31), (hits[1].Start, hits[1].Length));
        Assert.Equal([1, 2], hits.Select(h => h.VectorRank!.Value));
        Assert.All(hits, h => Assert.Null(h.KeywordRank));
        Assert.Equal(location.Display, hits[0].IndexPath);
    }

    [SkippableFact]
    public async Task A_session_that_completes_after_each_update_serves_each_one_to_new_readers()
    {
        // New-RagIndex -Watch keeps one write session and completes it once per update.
        var location = NewLocation();
        using var writer = await OpenWriterAsync(location);
        foreach (var (write, gone, expected) in new[]
        {
            ("first.txt", (string?)null, "first.txt"),
            ("second.txt", "first.txt", "second.txt"),
            ("third.txt", "second.txt", "third.txt"),
        })
        {
            if (gone is not null)
            {
                await writer.RemoveAsync((await writer.FindAsync(gone, CancellationToken.None))!, CancellationToken.None);
            }

            await writer.WriteAsync([Document(write, "h-" + write, ($"The {write} update about lanterns.", North, null))], CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);

            using var reader = await RagIndexReader.OpenAsync(location, CancellationToken.None);
            Assert.Null(reader.Degraded);
            var hits = await reader.SearchAsync(new RagQuery("lanterns", North, 5, RetrievalMode.Hybrid), null, CancellationToken.None);
            Assert.Equal([expected], hits.Select(h => h.Source).Distinct());
        }
    }

    [SkippableFact]
    public async Task Keyword_search_stems_and_ranks_by_bm25()
    {
        var location = await SolarSystemAsync(NewLocation());

        var hits = await SearchAsync(location, new RagQuery("lake METHANE", null, 5, RetrievalMode.Keyword));

        var hit = Assert.Single(hits);
        Assert.Equal(("alpha.txt", 0, 1), (hit.Source, hit.Ordinal, hit.KeywordRank));
        Assert.True(hit.Score > 0);
        Assert.Null(hit.Page);
    }

    [SkippableFact]
    public async Task Hybrid_search_fuses_both_halves_and_keeps_the_page()
    {
        var location = await SolarSystemAsync(NewLocation());

        var hits = await SearchAsync(location, new RagQuery("an ocean under ice", East, 2, RetrievalMode.Hybrid));

        Assert.Equal(("beta.pdf", 2), (hits[0].Source, hits[0].Page));
        Assert.Equal((1, 1), (hits[0].VectorRank, hits[0].KeywordRank));
        // The keyword half is sure here (its best far above the rest), so its rank counts twice: 1/11 + 2/11.
        Assert.Equal(3f / 11, hits[0].Score, 4);
        Assert.Equal(RetrievalMode.Hybrid, hits[0].Mode);
    }

    [SkippableFact]
    public async Task A_hostile_source_round_trips_unchanged()
    {
        var location = await SolarSystemAsync(NewLocation());

        var hit = Assert.Single(await SearchAsync(location, new RagQuery("zebra", null, 5, RetrievalMode.Keyword)));
        Assert.Equal(HostileSource, hit.Source);
        using var reader = await RagIndexReader.OpenAsync(location, CancellationToken.None);
        Assert.Contains(HostileSource, (await reader.DocumentsAsync(CancellationToken.None)).Select(d => d.Source));
        Assert.Single(await reader.DocumentChunksAsync(HostileSource, CancellationToken.None));
        Assert.Single(await SearchAsync(location, new RagQuery("zebra", Up, 5, RetrievalMode.Hybrid, SourceFilter: s => s == HostileSource)));
    }

    [SkippableFact]
    public async Task A_source_filter_applies_in_every_mode()
    {
        var location = await SolarSystemAsync(NewLocation());
        Func<string, bool> onlyBeta = s => s == "beta.pdf";

        foreach (var mode in new[] { RetrievalMode.Vector, RetrievalMode.Keyword, RetrievalMode.Hybrid })
        {
            var hits = await SearchAsync(location, new RagQuery("ice", North, 5, mode, SourceFilter: onlyBeta));
            Assert.Equal(["beta.pdf"], hits.Select(h => h.Source).Distinct());
        }
    }

    [SkippableFact]
    public async Task A_new_version_replaces_the_old_chunks_and_a_removed_document_is_gone()
    {
        var location = await SolarSystemAsync(NewLocation());
        using (var writer = await OpenWriterAsync(location))
        {
            Assert.False(writer.Created);
            Assert.Equal("h-alpha", (await writer.FindAsync("alpha.txt", CancellationToken.None))!.ContentHash);
            await writer.WriteAsync([Document("alpha.txt", "h-alpha-2", ("Titan's dunes are made of hydrocarbons.", North, null))], CancellationToken.None);
            await writer.RemoveAsync((await writer.FindAsync("beta.pdf", CancellationToken.None))!, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
            Assert.Equal(2, await writer.ChunkCountAsync(CancellationToken.None));
            Assert.Equal([("alpha.txt", "h-alpha-2", 1), (HostileSource, "h-hostile", 1)],
                (await writer.DocumentsAsync(CancellationToken.None)).Select(d => (d.Source, d.ContentHash, d.ChunkCount)).OrderBy(d => d.Source, StringComparer.Ordinal));
        }

        Assert.Empty(await SearchAsync(location, new RagQuery("methane", null, 5, RetrievalMode.Keyword)));
        Assert.Empty(await SearchAsync(location, new RagQuery("Europa", null, 5, RetrievalMode.Keyword)));
        Assert.Equal("alpha.txt", Assert.Single(await SearchAsync(location, new RagQuery("dune", null, 5, RetrievalMode.Keyword))).Source);
        Assert.DoesNotContain(await SearchAsync(location, new RagQuery("", East, 5, RetrievalMode.Vector)), h => h.Source == "beta.pdf");
    }

    [SkippableFact]
    public async Task A_documents_chunks_come_back_in_order()
    {
        var location = await SolarSystemAsync(NewLocation());
        using var reader = await RagIndexReader.OpenAsync(location, CancellationToken.None);

        var chunks = await reader.DocumentChunksAsync("alpha.txt", CancellationToken.None);

        Assert.Equal(["Titan has lakes of liquid methane.", "Saturn's rings are made of ice."], chunks.Select(c => c.Text));
        Assert.Equal([0, 1], chunks.Select(c => c.Ordinal));
        Assert.Empty(await reader.DocumentChunksAsync("missing.txt", CancellationToken.None));
    }

    [SkippableFact]
    public async Task An_index_refuses_another_model_or_stemming_and_a_rebuild_starts_afresh()
    {
        var location = await SolarSystemAsync(NewLocation());

        var model = await Assert.ThrowsAsync<RagIndexException>(() => OpenWriterAsync(location, Settings(model: "other-model", dimensions: 4)));
        Assert.Equal(RagIndexErrorKind.ModelMismatch, model.Kind);
        var stemming = await Assert.ThrowsAsync<RagIndexException>(() => OpenWriterAsync(location, Settings(stemming: KeywordStemming.None)));
        Assert.Equal(RagIndexErrorKind.SettingsMismatch, stemming.Kind);
        Assert.Equal("test-model", (await RagStores.ExistingSettingsAsync(location, CancellationToken.None))!.EmbeddingModel);

        using (var writer = await OpenWriterAsync(location, Settings(model: "other-model", dimensions: 4), rebuild: true))
        {
            Assert.True(writer.Created);
            Assert.Empty(await writer.DocumentsAsync(CancellationToken.None));
        }

        Assert.Equal(4, (await RagStores.ExistingSettingsAsync(location, CancellationToken.None))!.Dimensions);
    }

    [SkippableFact]
    public async Task A_missing_index_has_no_settings_and_cannot_be_read()
    {
        var location = NewLocation();

        Assert.Null(await RagStores.ExistingSettingsAsync(location, CancellationToken.None));
        var error = await Assert.ThrowsAsync<RagIndexException>(() => RagIndexReader.OpenAsync(location, CancellationToken.None));
        Assert.Equal(RagIndexErrorKind.NotFound, error.Kind);
    }

    [SkippableFact]
    public async Task Editing_one_paragraph_re_embeds_only_the_chunks_whose_text_changed()
    {
        var location = NewLocation();
        var paragraphs = Enumerable.Range(1, 12).Select(i => $"Paragraph {i} tells of harbour number {i} and its {i * 7} lanterns, lit at dusk by the keeper.").ToList();
        var embedder = new CountingEmbedder();
        var first = await IngestAsync(location, embedder, string.Join("\n\n", paragraphs));
        Assert.Equal((first.Chunks, 0), (first.ChunksEmbedded, first.ChunksReused));
        var before = embedder.Embedded.ToHashSet(StringComparer.Ordinal);
        Assert.True(first.Chunks >= 4, $"{first.Chunks} chunks");

        embedder.Embedded.Clear();
        paragraphs[5] = "Paragraph 6 was rewritten: the harbour now has a lighthouse.";
        var second = await IngestAsync(location, embedder, string.Join("\n\n", paragraphs));

        // Exactly the chunks whose text is new were embedded; every other chunk kept its stored vector.
        using var reader = await RagIndexReader.OpenAsync(location, CancellationToken.None);
        var now = (await reader.DocumentChunksAsync("harbours.txt", CancellationToken.None)).Select(c => c.Text).ToList();
        var changed = now.Where(t => !before.Contains(t)).ToList();
        Assert.NotEmpty(changed);
        Assert.Equal(changed.Order(StringComparer.Ordinal), embedder.Embedded.Order(StringComparer.Ordinal));
        Assert.Equal((second.Chunks, changed.Count, second.Chunks - changed.Count), (now.Count, second.ChunksEmbedded, second.ChunksReused));
        Assert.Contains("lighthouse", Assert.Single(await reader.SearchAsync(new RagQuery("lighthouse", null, 3, RetrievalMode.Keyword), null, CancellationToken.None)).Text);
    }

    private static async Task<IngestResult> IngestAsync(RagIndexLocation location, CountingEmbedder embedder, string text)
    {
        using var writer = await OpenWriterAsync(location);
        var ingestor = new RagIngestor(writer, embedder, new MixtralPS.Core.Chunking.RecursiveChunker(160, 0));
        var pending = await ingestor.PrepareAsync("harbours.txt", text, CancellationToken.None);
        Assert.Empty(await ingestor.AddAsync(pending, CancellationToken.None));
        var result = Assert.Single(await ingestor.FlushAsync(CancellationToken.None));
        await writer.CompleteAsync(CancellationToken.None);
        return result;
    }

    /// <summary>Three-dimensional vectors from the text; remembers every text it embedded.</summary>
    private sealed class CountingEmbedder : MixtralPS.Core.Embeddings.IEmbeddingProvider
    {
        public List<string> Embedded { get; } = [];

        public string Model => "test-model";

        public int Dimensions => 3;

        public int MaxTokens => 256;

        public Task<IReadOnlyList<MixtralPS.Core.Embeddings.EmbeddingResult>> EmbedAsync(
            IReadOnlyList<string> texts, MixtralPS.Core.Embeddings.EmbeddingPurpose purpose, CancellationToken cancellationToken)
        {
            Embedded.AddRange(texts);
            return Task.FromResult<IReadOnlyList<MixtralPS.Core.Embeddings.EmbeddingResult>>(texts.Select(t =>
            {
                var h = (uint)t.Length * 2654435761u;
                var v = new float[] { 1 + (h & 0xff), 1 + ((h >> 8) & 0xff), 1 + ((h >> 16) & 0xff) };
                var n = MathF.Sqrt(v.Sum(x => x * x));
                return new MixtralPS.Core.Embeddings.EmbeddingResult(v.Select(x => x / n).ToArray(), t.Length / 4 + 2, false);
            }).ToList());
        }

        public void Dispose()
        {
        }
    }

    [SkippableFact]
    public async Task Keyword_search_finds_words_in_every_script()
    {
        var location = NewLocation();
        using (var writer = await OpenWriterAsync(location))
        {
            await writer.WriteAsync(
            [
                Document("tokyo.txt", "h1", ("東京都庁は新宿にあります。", North, null)),
                Document("seoul.txt", "h2", ("서울특별시는 한국의 수도입니다.", East, null)),
                Document("moscow.txt", "h3", ("Москва — столица России.", Up, null)),
                Document("cafe.txt", "h4", ("Le café préféré de René.", North, null)),
            ], CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        using var reader = await RagIndexReader.OpenAsync(location, CancellationToken.None);
        foreach (var (question, source) in new[] { ("都庁", "tokyo.txt"), ("新宿", "tokyo.txt"), ("서울", "seoul.txt"), ("столица", "moscow.txt"), ("cafe prefere", "cafe.txt"), ("CAFÉ", "cafe.txt") })
        {
            var hit = Assert.Single(await reader.SearchAsync(new RagQuery(question, null, 5, RetrievalMode.Keyword), null, CancellationToken.None));
            Assert.Equal(source, hit.Source);
        }
    }

    [SkippableFact]
    public async Task Unique_sources_return_each_source_once_by_its_best_chunk_and_explain_says_why()
    {
        var location = await SolarSystemAsync(NewLocation());

        var chunks = await SearchAsync(location, new RagQuery("ice", North, 3, RetrievalMode.Hybrid));
        var sources = await SearchAsync(location, new RagQuery("ice", North, 3, RetrievalMode.Hybrid, UniqueSources: true, Explain: true));

        Assert.Equal(2, chunks.Count(c => c.Source == "alpha.txt"));
        Assert.Equal(sources.Select(c => c.Source).Distinct(), sources.Select(c => c.Source));
        Assert.Equal(3, sources.Count);
        Assert.Equal([1, 2, 3], sources.Select(c => c.Rank));
        // Alpha's second chunk (vector #2, and it holds "ice") beats its first (vector #1 only): the source comes once, by it.
        Assert.Equal(("alpha.txt", 1), (sources[0].Source, sources[0].Ordinal));
        Assert.StartsWith("vector #2 (cosine 0.8); keyword #", sources[0].Explanation, StringComparison.Ordinal);
        Assert.EndsWith("(both halves agree)", sources[0].Explanation, StringComparison.Ordinal);
        Assert.Matches(@"^vector #[34] \(cosine 0\); not among the keyword candidates; fused 0\.07\d+ = 1/\(10\+[34]\) \(one half only\)$", sources.Single(c => c.Source == HostileSource).Explanation);
        Assert.All(chunks, c => Assert.Null(c.Explanation));
    }
}
