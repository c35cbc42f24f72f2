using Microsoft.Data.Sqlite;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;
using Xunit;

namespace MixtralPS.Core.Tests.Rag;

public sealed class KeywordIndexTests : IDisposable
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");

    public KeywordIndexTests()
    {
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE chunks (id INTEGER PRIMARY KEY, text TEXT NOT NULL)";
        command.ExecuteNonQuery();
        using var tx = connection.BeginTransaction();
        KeywordIndex.CreateLegacy(connection, tx, KeywordStemming.None);
        tx.Commit();

        // "the" is in every row, "protein" in 30, "kinase" in 5, "zebrafish" in one.
        for (var i = 1; i <= 60; i++)
        {
            var words = new List<string> { "the", $"row{i}" };
            if (i <= 30) words.Add("protein");
            if (i <= 5) words.Add("kinase");
            if (i == 42) words.Add("zebrafish");
            Insert(i, string.Join(' ', words));
        }
    }

    [Fact]
    public void Question_syntax_becomes_plain_quoted_terms()
    {
        Assert.Equal(["\"NOT\"", "\"a\"", "\"b\"", "\"NEAR\"", "\"x\""], KeywordIndex.Terms("NOT a:b \"NEAR(x\" a"));
        Assert.Null(KeywordIndex.ToMatchQuery("?! -- ()"));
    }

    [Fact]
    public void Keeps_the_rarest_terms_within_the_row_budget()
    {
        var terms = KeywordIndex.Terms("the protein kinase zebrafish absentword");
        // 1 + 5 rows fit a budget of 10; protein (30) would pass it; absentword matches nothing.
        Assert.Equal(["\"zebrafish\"", "\"kinase\""], KeywordIndex.SelectiveTerms(connection, terms, rowBudget: 10));
        Assert.Equal(["\"zebrafish\"", "\"kinase\"", "\"protein\"", "\"the\""], KeywordIndex.SelectiveTerms(connection, terms, rowBudget: 1000));
    }

    [Fact]
    public void Keeps_the_rarest_term_even_past_the_budget()
    {
        Assert.Equal(["\"protein\""], KeywordIndex.SelectiveTerms(connection, KeywordIndex.Terms("the protein"), rowBudget: 3));
    }

    [Fact]
    public void Ranks_by_the_rare_terms_when_common_ones_are_dropped()
    {
        var hits = KeywordIndex.Search(connection, "the protein kinase", 10, rowBudget: 10);
        Assert.Equal(5, hits.Count);
        Assert.All(hits, h => Assert.InRange(h.Id, 1, 5));
        Assert.All(hits, h => Assert.True(h.Score > 0));

        var all = KeywordIndex.Search(connection, "the protein kinase", 100, rowBudget: 1000);
        Assert.Equal(60, all.Count);
        Assert.Equal(hits.Select(h => h.Id).Order(), all.Take(5).Select(h => h.Id).Order());
    }

    [Fact]
    public void A_question_with_no_matching_word_finds_nothing()
    {
        Assert.Empty(KeywordIndex.Search(connection, "absentword другое 語", 10));
    }

    [Fact]
    public void Optimize_merges_the_segments_and_keeps_every_answer()
    {
        // Each row was inserted in a transaction of its own, as New-RagIndex writes a document at a time.
        var before = KeywordIndex.Search(connection, "the protein kinase zebrafish", 60, rowBudget: 1000);
        Assert.True(Segments(connection) > 1);

        using (var tx = connection.BeginTransaction())
        {
            KeywordIndex.Optimize(connection, tx);
            tx.Commit();
        }

        Assert.Equal(1, Segments(connection));
        Assert.Equal(before, KeywordIndex.Search(connection, "the protein kinase zebrafish", 60, rowBudget: 1000));
    }

    [Fact]
    public void A_writer_leaves_the_keyword_index_merged()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mixtralps-fts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var index = Path.Combine(folder, "docs.ragidx");
            TestIndexes.Write(index, [.. Enumerable.Range(1, 40).Select(i => ($"doc{i}.txt", $"document {i} about topic {i % 7}"))]);

            using var db = new SqliteConnection($"Data Source={Path.Combine(index, "index.db")};Mode=ReadOnly;Pooling=False");
            db.Open();
            Assert.Equal(1, Segments(db));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static long Segments(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = "SELECT count(DISTINCT segid) FROM chunks_fts_idx";
        return (long)command.ExecuteScalar()!;
    }

    private void Insert(long id, string text)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO chunks (id, text) VALUES ($id, $text)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$text", text);
        command.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();
}
