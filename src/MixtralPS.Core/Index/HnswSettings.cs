namespace MixtralPS.Core.Index;

/// <summary>
/// Tuning of the HNSW graph, measured in bench/Ann (bench/results/ann-*.md) and on SciFact's real query and document
/// vectors: half-precision vectors and ExpansionAdd 64 halve the file and build twice as fast as 32-bit and 128 at
/// the same recall once searches keep 128 candidates (SciFact recall@10 0.996 with 128, 0.987 with 64; 100,000
/// clustered vectors 0.9994, 20x an exact scan). At 1,000,000 clustered vectors recall falls short (bench results).
/// </summary>
/// <param name="Connectivity">Neighbours per node (M; the bottom layer keeps 2 × M). More: better recall, bigger file, slower build.</param>
/// <param name="ExpansionAdd">Candidates considered while linking a new vector (efConstruction). More: better graph, slower build.</param>
/// <param name="ExpansionSearch">Candidates kept while searching (ef). More: better recall, slower queries; never below the count asked for.</param>
/// <param name="Threads">Threads that may use the index at once (AddRange uses them all); 0 = one per logical processor.</param>
/// <param name="HalfPrecision">Store vectors as 16-bit floats (half the memory and file) instead of 32-bit; only read by Create.</param>
public sealed record HnswSettings(
    int Connectivity = 16,
    int ExpansionAdd = 64,
    int ExpansionSearch = 128,
    int Threads = 0,
    bool HalfPrecision = true)
{
    public static HnswSettings Default { get; } = new();

    /// <summary>Threads as a count: HNSW insertion waits on memory more than on arithmetic, so SMT siblings help too.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount);

    internal void Validate()
    {
        // USearch rejects connectivity below 2; the upper bounds only catch typos that would exhaust memory.
        Check(Connectivity, 2, 256, nameof(Connectivity));
        Check(ExpansionAdd, 1, 65_536, nameof(ExpansionAdd));
        Check(ExpansionSearch, 1, 65_536, nameof(ExpansionSearch));
        Check(Threads, 0, 4_096, nameof(Threads));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"HNSW {name} must be between {min} and {max}.");
        }
    }
}
