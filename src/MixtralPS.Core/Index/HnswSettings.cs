namespace MixtralPS.Core.Index;

/// <summary>
/// Tuning of the HNSW graph, measured in bench/Ann (bench/results/ann-*.md) and on SciFact's real query and document
/// vectors. Half-precision vectors halve the file at the same recall. Connectivity 32 with ExpansionAdd 128 is what
/// holds recall at a million clustered vectors (0.9995 at ef 128, 85x an exact scan; connectivity 16 gave 0.77, and
/// 32 with ExpansionAdd 64 0.935): the graph costs ~15 % more disk and about the build time of 16 / 64 there.
/// </summary>
/// <param name="Connectivity">Neighbours per node (M; the bottom layer keeps 2 × M). More: better recall, bigger file, slower build.</param>
/// <param name="ExpansionAdd">Candidates considered while linking a new vector (efConstruction). More: better graph, slower build.</param>
/// <param name="ExpansionSearch">
/// Candidates kept while searching (ef). More: better recall, slower queries; never below the count asked for.
/// 0 (the default) scales it with the graph (<see cref="ExpansionSearchFor"/>).
/// </param>
/// <param name="Threads">Threads that may use the index at once (AddRange uses them all); 0 = one per logical processor.</param>
/// <param name="HalfPrecision">Store vectors as 16-bit floats (half the memory and file) instead of 32-bit; only read by Create.</param>
/// <param name="MinExpansionSearch">The least a scaled search expansion (ExpansionSearch 0) may be.</param>
public sealed record HnswSettings(
    int Connectivity = 32,
    int ExpansionAdd = 128,
    int ExpansionSearch = 0,
    int Threads = 0,
    bool HalfPrecision = true,
    int MinExpansionSearch = 64)
{
    public static HnswSettings Default { get; } = new();

    /// <summary>Threads as a count: HNSW insertion waits on memory more than on arithmetic, so SMT siblings help too.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// The search expansion for a graph of <paramref name="vectors"/>: the one set, else 64 × √(vectors / 250,000), at
    /// most 512 and at least <see cref="MinExpansionSearch"/>. A bigger graph needs more candidates for the same recall
    /// (bench/results/ann-2026-11-27.md: recall@10 ≥ 0.999 at 100,000 clustered vectors from 48, at 1,000,000 only from
    /// 128, where 64 gave 0.979), and what it costs weighs most on small graphs, whose exact scan is cheap (100,000
    /// vectors: 18× an exact scan at 64, 9× at 128).
    /// </summary>
    public int ExpansionSearchFor(long vectors) =>
        ExpansionSearch > 0 ? ExpansionSearch
            : Math.Max(MinExpansionSearch, (int)Math.Min(Math.Round(64 * Math.Sqrt(vectors / 250_000.0)), 512));

    internal void Validate()
    {
        // USearch rejects connectivity below 2; the upper bounds only catch typos that would exhaust memory.
        Check(Connectivity, 2, 256, nameof(Connectivity));
        Check(ExpansionAdd, 1, 65_536, nameof(ExpansionAdd));
        Check(ExpansionSearch, 0, 65_536, nameof(ExpansionSearch));
        Check(Threads, 0, 4_096, nameof(Threads));
        Check(MinExpansionSearch, 1, 65_536, nameof(MinExpansionSearch));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"HNSW {name} must be between {min} and {max}.");
        }
    }
}
