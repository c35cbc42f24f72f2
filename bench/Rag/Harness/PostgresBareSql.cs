using System.Diagnostics;
using Npgsql;

namespace MixtralPS.Bench.Rag;

/// <summary>
/// Measurements in bare SQL beside the store's own queries (pg-scale): halfvec against vector, hnsw.ef_search, and a
/// round trip's floor. The store's schema (mixtralps_&lt;name&gt;) is read as the store wrote it.
/// </summary>
internal static class PostgresBareSql
{
    /// <summary>
    /// The same vectors as halfvec: an expression HNSW index on embedding::halfvec beside the vector one, both queried
    /// with the same bare SQL (ef_search 128, top 10), so the two differ only in the type.
    /// </summary>
    internal static async Task<Dictionary<string, object>> HalfVecAsync(PostgresScale.Options o, float[] queries, int[][] exact, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(o.Connection);
        var schema = "\"mixtralps_" + o.Name + "\"";
        var half = $"(embedding::halfvec({PostgresScale.Dimensions}))";
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            var clock = Stopwatch.StartNew();
            await using var build = new NpgsqlCommand(
                $"SET maintenance_work_mem = '2GB'; CREATE INDEX chunks_embedding_halfvec ON {schema}.chunks USING hnsw ({half} halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)", connection)
            { CommandTimeout = 0 };
            await build.ExecuteNonQueryAsync(ct);
            PostgresScale.Log($"halfvec index built in {clock.Elapsed.TotalSeconds:0.0} s");
            var buildSeconds = clock.Elapsed.TotalSeconds;
            var result = new Dictionary<string, object> { ["halfvecBuildSeconds"] = buildSeconds };
            await using var sizes = new NpgsqlCommand(
                $"SELECT pg_relation_size('{schema}.chunks_embedding_hnsw'), pg_relation_size('{schema}.chunks_embedding_halfvec')", connection);
            await using (var reader = await sizes.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                result["vectorIndexBytes"] = reader.GetInt64(0);
                result["halfvecIndexBytes"] = reader.GetInt64(1);
            }

            await using var set = new NpgsqlCommand("SET hnsw.ef_search = 128", connection);
            await set.ExecuteNonQueryAsync(ct);
            foreach (var (label, order) in new[] { ("vector", $"embedding <=> $1::real[]::vector({PostgresScale.Dimensions})"), ("halfvec", $"{half} <=> $1::real[]::halfvec({PostgresScale.Dimensions})") })
            {
                await using var query = new NpgsqlCommand($"SELECT c.ordinal, d.source FROM {schema}.chunks c JOIN {schema}.documents d ON d.id = c.document_id ORDER BY {order} LIMIT 10", connection);
                var parameter = query.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Real });
                var times = new List<double>();
                var hits = new int[exact.Length][];
                for (var q = 0; q < o.Queries; q++)
                {
                    parameter.Value = queries.AsSpan(q * PostgresScale.Dimensions, PostgresScale.Dimensions).ToArray();
                    var timer = Stopwatch.StartNew();
                    var rows = new List<int>();
                    await using (var reader = await query.ExecuteReaderAsync(ct))
                    {
                        while (await reader.ReadAsync(ct))
                        {
                            rows.Add(PostgresScale.RowOf(reader.GetString(1), reader.GetInt32(0)));
                        }
                    }

                    times.Add(timer.Elapsed.TotalMilliseconds);
                    if (q < exact.Length)
                    {
                        hits[q] = rows.ToArray();
                    }
                }

                result[label + "SqlP50Ms"] = PostgresScale.Percentile(times, 50);
                result[label + "SqlP99Ms"] = PostgresScale.Percentile(times, 99);
                result[label + "RecallAt10"] = PostgresScale.Recall(hits, exact);
            }

            return result;
        }
    }

    /// <summary>Recall@10 and p50 of the bare nearest-neighbour SQL at each hnsw.ef_search (a query-time setting).</summary>
    internal static async Task<List<Dictionary<string, object>>> EfSweepAsync(PostgresScale.Options o, float[] queries, int[][] exact, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(o.Connection);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var schema = "\"mixtralps_" + o.Name + "\"";
        var rows = new List<Dictionary<string, object>>();
        foreach (var ef in o.EfSweep!)
        {
            await using (var set = new NpgsqlCommand($"SET hnsw.ef_search = {ef}", connection))
            {
                await set.ExecuteNonQueryAsync(ct);
            }

            await using var query = new NpgsqlCommand(
                $"SELECT c.ordinal, d.source FROM {schema}.chunks c JOIN {schema}.documents d ON d.id = c.document_id ORDER BY embedding <=> $1::real[]::vector({PostgresScale.Dimensions}) LIMIT 10", connection);
            var parameter = query.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Real });
            var times = new List<double>();
            var hits = new int[exact.Length][];
            for (var q = 0; q < exact.Length; q++)
            {
                parameter.Value = queries.AsSpan(q * PostgresScale.Dimensions, PostgresScale.Dimensions).ToArray();
                var timer = Stopwatch.StartNew();
                var found = new List<int>();
                await using (var reader = await query.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        found.Add(PostgresScale.RowOf(reader.GetString(1), reader.GetInt32(0)));
                    }
                }

                times.Add(timer.Elapsed.TotalMilliseconds);
                hits[q] = found.ToArray();
            }

            var row = new Dictionary<string, object> { ["efSearch"] = ef, ["recallAt10"] = PostgresScale.Recall(hits, exact), ["p50Ms"] = PostgresScale.Percentile(times, 50), ["p99Ms"] = PostgresScale.Percentile(times, 99) };
            PostgresScale.Log($"ef_search {ef}: recall@10 {row["recallAt10"]:0.0000}, p50 {row["p50Ms"]:0.00} ms");
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The floor of any database call here: SELECT 1 on a pooled connection, p50 of 200.</summary>
    internal static async Task<double> RoundTripAsync(string connection, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        var times = new List<double>();
        for (var i = 0; i < 220; i++)
        {
            var timer = Stopwatch.StartNew();
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(ct);
            if (i >= 20)
            {
                times.Add(timer.Elapsed.TotalMilliseconds);
            }
        }

        return PostgresScale.Percentile(times, 50);
    }
}
