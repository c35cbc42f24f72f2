namespace MixtralPS.Core.Tests.Postgres;

/// <summary>A test that needs a throwaway PostgreSQL cluster. Where none can be had it is skipped with the reason,
/// except under CI=true: there it runs, and <see cref="PgClusterFixture"/> fails it with that reason.</summary>
public sealed class PgFactAttribute : FactAttribute
{
    public PgFactAttribute()
    {
        if (!PgAvailability.Available && !PgAvailability.IsCi) Skip = $"No PostgreSQL test cluster: {PgAvailability.Reason}";
    }
}
