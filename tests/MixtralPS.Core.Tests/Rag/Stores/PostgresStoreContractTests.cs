using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Tests.Postgres;

namespace MixtralPS.Core.Tests.Rag.Stores;

/// <summary>The store contract on a PostgreSQL index (pgvector), each test in an index (schema) of its own.</summary>
public sealed class PostgresStoreContractTests(PgVectorFixture fixture) : RagStoreContract, IClassFixture<PgVectorFixture>
{
    protected override RagIndexLocation NewLocation() => RagIndexLocation.Postgres(fixture.ConnectionString, fixture.NewIndexName());
}
