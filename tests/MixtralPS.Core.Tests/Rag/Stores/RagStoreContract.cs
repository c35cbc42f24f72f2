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
        Assert.Equal(2f / 11, hits[0].Score, 4);
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
}
