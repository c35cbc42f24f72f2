using System.Numerics.Tensors;
using Cloud.Unum.USearch;

namespace MixtralPS.Core.Index;

/// <summary>
/// An approximate nearest-neighbour index (HNSW graph, USearch) over vectors compared by cosine similarity,
/// keyed by ulong (chunk ids). It is a cache beside SQLite, which holds the vectors themselves: a damaged or
/// missing file is rebuilt from there, so errors here say clearly what is wrong and change nothing.
/// </summary>
/// <remarks>
/// Thread safety: every member may be called from any thread. Searches and the inserting part of Add/AddRange
/// run concurrently with each other (USearch locks graph nodes itself). Remove, Save and Dispose run alone, as does
/// the moment at the start of each Add/AddRange call that makes room (USearch reallocates when it grows): batch
/// adds with AddRange rather than calling Add in a loop beside busy searches. At most
/// <see cref="HnswSettings.Threads"/> calls run inside USearch at once (it keeps one scratch context per thread
/// and has no more); further callers wait for a free one.
/// </remarks>
public sealed class HnswIndex : IDisposable
{
    /// <summary>Adds below this many vectors run on the calling thread: fanning out costs more than it saves.</summary>
    private const int ParallelThreshold = 256;

    /// <summary>Shared by Add and Search (USearch's node locks make them safe together); exclusive for what moves memory.</summary>
    private readonly ReaderWriterLockSlim structure = new(LockRecursionPolicy.NoRecursion);

    /// <summary>One permit per USearch thread context.</summary>
    private readonly SemaphoreSlim contexts;

    private readonly UsearchHandle handle;
    private readonly string? viewedPath;
    private readonly int threads;
    private long pendingAdds;
    private bool disposed;

    private HnswIndex(UsearchHandle handle, HnswSettings settings, string? viewedPath)
    {
        this.handle = handle;
        this.viewedPath = viewedPath;
        threads = settings.EffectiveThreads;
        contexts = new SemaphoreSlim(threads, threads);
        Settings = settings;
        var index = handle.Value;
        Dimensions = checked((int)Native(UsearchNative.usearch_dimensions(index, out var error), error, "read the dimensions"));
        Connectivity = checked((int)Native(UsearchNative.usearch_connectivity(index, out error), error, "read the connectivity"));
        UsearchNative.usearch_change_expansion_add(index, (nuint)settings.ExpansionAdd, out error);
        Check(error, "set expansion_add");
        ApplyExpansionSearch();
        ReserveThreadContexts();
    }

    public int Dimensions { get; }

    /// <summary>Connectivity of the graph: from the settings when created, from the file when loaded or viewed.</summary>
    public int Connectivity { get; }

    public HnswSettings Settings { get; }

    /// <summary>Candidates searches keep now: the settings' own, or scaled to the vectors held (<see cref="HnswSettings.ExpansionSearchFor"/>).</summary>
    public int ExpansionSearch { get; private set; }

    /// <summary>True for an index viewed (memory-mapped) from a file: it answers searches and cannot change.</summary>
    public bool IsReadOnly => viewedPath is not null;

    /// <summary>Vectors in the index (removed ones excluded).</summary>
    public int Count => Shared(() => checked((int)Native(UsearchNative.usearch_size(handle.Value, out var error), error, "count the vectors")));

    /// <summary>The SIMD kernel USearch picked for this machine and scalar type (e.g. "haswell", "skylake", "neon").</summary>
    public string HardwareAcceleration => Shared(() =>
    {
        var name = UsearchNative.usearch_hardware_acceleration(handle.Value, out var error);
        Check(error, "name its hardware acceleration");
        return System.Runtime.InteropServices.Marshal.PtrToStringUTF8(name) ?? "serial";
    });

    /// <summary>Bytes of memory the index uses (for a view, not counting the mapped file).</summary>
    public long MemoryUsage => Shared(() => (long)Native(UsearchNative.usearch_memory_usage(handle.Value, out var error), error, "measure its memory"));

    /// <summary>A new, empty index for vectors of <paramref name="dimensions"/>, compared by cosine similarity.</summary>
    public static HnswIndex Create(int dimensions, HnswSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var options = new UsearchNative.InitOptions
        {
            MetricKind = MetricKind.Cos,
            Quantization = settings.HalfPrecision ? ScalarKind.Float16 : ScalarKind.Float32,
            Dimensions = (nuint)dimensions,
            Connectivity = (nuint)settings.Connectivity,
            ExpansionAdd = (nuint)settings.ExpansionAdd,
            ExpansionSearch = (nuint)settings.ExpansionSearchFor(0),
        };
        var handle = CreateHandle(options);
        try
        {
            return new HnswIndex(handle, settings, viewedPath: null);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the index saved at <paramref name="path"/> into memory (it can then change and be saved again).
    /// With <paramref name="dimensions"/>, a file for other vectors is refused rather than answering nonsense.
    /// </summary>
    public static HnswIndex Load(string path, HnswSettings settings, int? dimensions = null) =>
        Open(path, settings, dimensions, view: false);

    /// <summary>
    /// Maps the index saved at <paramref name="path"/> read-only instead of reading it: opening takes milliseconds
    /// whatever the size and the operating system pages it in as searches touch it. The file must stay in place
    /// until the index is disposed. On Linux and macOS, Save may replace it meanwhile (the view keeps reading the
    /// old file); on Windows a mapped file may refuse to be replaced, so dispose views before saving over them.
    /// </summary>
    public static HnswIndex View(string path, HnswSettings settings, int? dimensions = null) =>
        Open(path, settings, dimensions, view: true);

    /// <summary>Adds <paramref name="vector"/> under <paramref name="key"/>, which must not be in the index already.</summary>
    public void Add(ulong key, ReadOnlySpan<float> vector)
    {
        ThrowIfReadOnly();
        CheckVector(vector, "vector");
        EnsureCapacity(1);
        try
        {
            structure.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                if (Contains(handle.Value, key))
                {
                    throw DuplicateKey(key);
                }

                contexts.Wait();
                try
                {
                    AddOne(key, vector);
                }
                finally
                {
                    contexts.Release();
                }
            }
            finally
            {
                structure.ExitReadLock();
            }
        }
        finally
        {
            Interlocked.Add(ref pendingAdds, -1);
        }

        ScaleExpansionSearch();
    }

    /// <summary>
    /// Adds keys.Count vectors stored one after another in <paramref name="vectors"/> (row-major,
    /// keys.Count × <see cref="Dimensions"/> floats), on up to <see cref="HnswSettings.Threads"/> threads.
    /// Everything is checked first (lengths, finite non-zero vectors, keys new and distinct): a bad input adds nothing.
    /// </summary>
    public void AddRange(
        IReadOnlyList<ulong> keys,
        ReadOnlyMemory<float> vectors,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (vectors.Length != (long)keys.Count * Dimensions)
        {
            throw new ArgumentException(
                $"{keys.Count} keys need {(long)keys.Count * Dimensions} floats ({Dimensions} per vector); {vectors.Length} were given.",
                nameof(vectors));
        }

        var dimensions = Dimensions;
        AddMany(keys, i => vectors.Span.Slice(i * dimensions, dimensions), progress, cancellationToken);
    }

    /// <summary>Adds <paramref name="vectors"/>[i] under <paramref name="keys"/>[i]; as the other overload otherwise.</summary>
    public void AddRange(
        IReadOnlyList<ulong> keys,
        IReadOnlyList<float[]> vectors,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count != keys.Count)
        {
            throw new ArgumentException($"{keys.Count} keys but {vectors.Count} vectors were given.", nameof(vectors));
        }

        AddMany(keys, i => vectors[i], progress, cancellationToken);
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there. Its slot is reused by later adds.</summary>
    public bool Remove(ulong key)
    {
        ThrowIfReadOnly();
        return Exclusive(() =>
        {
            var removed = UsearchNative.usearch_remove(handle.Value, key, out var error);
            Check(error, $"remove key {key}");
            return removed > 0;
        });
    }

    public bool Contains(ulong key) => Shared(() => Contains(handle.Value, key));

    /// <summary>
    /// The <paramref name="count"/> nearest vectors to <paramref name="query"/>, most similar first, with
    /// similarity = 1 − cosine distance (1 for the same direction). Fewer when the index holds fewer.
    /// </summary>
    public IReadOnlyList<(ulong Key, float Similarity)> Search(ReadOnlySpan<float> query, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        CheckVector(query, "query");
        ulong[] keys;
        float[] distances;
        int found;
        structure.EnterReadLock();
        try
        {
            ThrowIfDisposed();

            // Never more room than the index can fill: a caller asking for "all" must not allocate gigabytes.
            var size = (long)Native(UsearchNative.usearch_size(handle.Value, out var error), error, "count the vectors");
            count = (int)Math.Min(count, size);
            if (count == 0)
            {
                return [];
            }

            keys = new ulong[count];
            distances = new float[count];
            contexts.Wait();
            try
            {
                found = (int)UsearchNative.usearch_search(
                    handle.Value, in query[0], ScalarKind.Float32, (nuint)count, ref keys[0], ref distances[0], out error);
                Check(error, "search");
            }
            finally
            {
                contexts.Release();
            }
        }
        finally
        {
            structure.ExitReadLock();
        }

        var results = new (ulong Key, float Similarity)[found];
        for (var i = 0; i < found; i++)
        {
            results[i] = (keys[i], 1f - distances[i]);
        }

        return results;
    }

    /// <summary>Writes the index to <paramref name="path"/> atomically (temporary file beside it, then a rename).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Exclusive: a vector added half-way through would be written half-linked.
        Exclusive(() =>
        {
            var index = handle.Value;
            var length = (long)Native(UsearchNative.usearch_serialized_length(index, out var error), error, "measure its file");
            IndexFile.WriteAtomically(path, length, (buffer, size) =>
            {
                UsearchNative.usearch_save_buffer(index, buffer, (nuint)size, out var saveError);
                Check(saveError, $"save to '{path}'");
            });
            return true;
        });
    }

    public void Dispose()
    {
        structure.EnterWriteLock();
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            handle.Dispose();
        }
        finally
        {
            structure.ExitWriteLock();
        }

        contexts.Dispose();
    }

    private static HnswIndex Open(string path, HnswSettings settings, int? dimensions, bool view)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (dimensions is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "Dimensions must be positive.");
        }

        var notAnIndex = dimensions is { } d ? $"'{path}' is not a USearch index of {d} dimensions" : $"'{path}' is not a USearch index";
        var file = IndexFile.OpenRead(path, notAnIndex);
        UsearchHandle? handle = null;
        try
        {
            // The header first: refusing a file for other vectors (or another metric) is cheaper and clearer than loading it.
            var options = new UsearchNative.InitOptions();
            UsearchNative.usearch_metadata_buffer(file.Address, (nuint)file.Length, ref options, out var error);
            if (UsearchNative.Message(error) is { } message)
            {
                throw new InvalidDataException($"{notAnIndex}: {message}.");
            }

            if (dimensions is { } expected && (int)options.Dimensions != expected)
            {
                throw new InvalidDataException($"{notAnIndex}: it holds {options.Dimensions}-dimensional vectors.");
            }

            if (options.MetricKind != MetricKind.Cos || options.Quantization is not (ScalarKind.Float32 or ScalarKind.Float16) || options.Multi != 0)
            {
                throw new InvalidDataException(
                    $"{notAnIndex}: it uses the {options.MetricKind} metric over {options.Quantization} scalars{(options.Multi != 0 ? " with several vectors per key" : "")}; " +
                    "MixtralPS writes cosine indexes of 32- or 16-bit floats, one vector per key.");
            }

            options.ExpansionAdd = (nuint)settings.ExpansionAdd;
            options.ExpansionSearch = (nuint)settings.ExpansionSearchFor(0); // replaced by the constructor once the size is known
            handle = CreateHandle(options);
            if (view)
            {
                UsearchNative.usearch_view_buffer(handle.Value, file.Address, (nuint)file.Length, out error);
            }
            else
            {
                UsearchNative.usearch_load_buffer(handle.Value, file.Address, (nuint)file.Length, out error);
            }

            if (UsearchNative.Message(error) is { } loadError)
            {
                throw new InvalidDataException($"{notAnIndex}: {loadError}.");
            }

            if (view)
            {
                handle.Pin(file.Mapping);
            }

            return new HnswIndex(handle, settings, view ? Path.GetFullPath(path) : null);
        }
        catch
        {
            handle?.Dispose();
            throw;
        }
        finally
        {
            // A view holds its own reference on the mapping (Pin); a loaded index copied what it needed.
            file.Dispose();
        }
    }

    private static UsearchHandle CreateHandle(UsearchNative.InitOptions options)
    {
        try
        {
            return UsearchHandle.Create(options);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"The USearch native library ({UsearchNative.Library}, with libnumkong beside it) could not be loaded for " +
                $"{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}; it ships for linux-x64, win-x64 and osx-arm64 " +
                $"and on Linux needs libgomp.so.1 and libstdc++.so.6. {e.Message}",
                e);
        }
    }

    private static bool Contains(nint index, ulong key)
    {
        var present = UsearchNative.usearch_contains(index, key, out var error);
        Check(error, $"look up key {key}");
        return present != 0;
    }

    private static InvalidOperationException DuplicateKey(ulong key) =>
        new($"Key {key} is already in the index; remove it before adding it again.");

    private static nuint Native(nuint value, nint error, string what)
    {
        Check(error, what);
        return value;
    }

    private static void Check(nint error, string what)
    {
        if (UsearchNative.Message(error) is { } message)
        {
            throw new InvalidOperationException($"USearch could not {what}: {message}.");
        }
    }

    private delegate ReadOnlySpan<float> VectorAt(int index);

    private void AddMany(IReadOnlyList<ulong> keys, VectorAt vectorAt, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        var count = keys.Count;
        if (count == 0)
        {
            return;
        }

        var distinct = new HashSet<ulong>(count);
        for (var i = 0; i < count; i++)
        {
            CheckVector(vectorAt(i), $"vectors[{i}]");
            if (!distinct.Add(keys[i]))
            {
                throw new ArgumentException($"Key {keys[i]} appears more than once.", nameof(keys));
            }
        }

        EnsureCapacity(count);
        try
        {
            structure.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                foreach (var key in keys)
                {
                    if (Contains(handle.Value, key))
                    {
                        throw DuplicateKey(key);
                    }
                }

                InsertAll(keys, vectorAt, progress, cancellationToken);
            }
            finally
            {
                structure.ExitReadLock();
            }
        }
        finally
        {
            Interlocked.Add(ref pendingAdds, -count);
        }

        ScaleExpansionSearch();
    }

    /// <summary>Follows the graph's growth when the settings leave the search expansion to its size.</summary>
    private void ScaleExpansionSearch()
    {
        if (Settings.ExpansionSearch > 0 || Settings.ExpansionSearchFor(Count) == ExpansionSearch)
        {
            return;
        }

        // Exclusive: searches in flight read the setting.
        Exclusive(() =>
        {
            ApplyExpansionSearch();
            return true;
        });
    }

    /// <summary>Sets the search expansion the settings give for the vectors held now; the caller excludes searches.</summary>
    private void ApplyExpansionSearch()
    {
        var index = handle.Value;
        ExpansionSearch = Settings.ExpansionSearchFor((long)Native(UsearchNative.usearch_size(index, out var error), error, "count the vectors"));
        UsearchNative.usearch_change_expansion_search(index, (nuint)ExpansionSearch, out error);
        Check(error, "set expansion_search");
    }

    /// <summary>Runs under the shared lock held by the calling thread; workers need no lock of their own.</summary>
    private void InsertAll(IReadOnlyList<ulong> keys, VectorAt vectorAt, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var count = keys.Count;
        var done = 0;
        void Added()
        {
            // Reported every 1,024 vectors and at the end: often enough for a progress bar, rarely enough to cost nothing.
            var now = Interlocked.Increment(ref done);
            if (progress is not null && (now % 1024 == 0 || now == count))
            {
                progress.Report(now);
            }
        }

        if (count < ParallelThreshold || threads == 1)
        {
            contexts.Wait(cancellationToken);
            try
            {
                for (var i = 0; i < count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    AddOne(keys[i], vectorAt(i));
                    Added();
                }
            }
            finally
            {
                contexts.Release();
            }

            return;
        }

        // Each worker holds one USearch thread context for its whole run.
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(
                0,
                count,
                options,
                () =>
                {
                    contexts.Wait(cancellationToken);
                    return 0;
                },
                (i, _, local) =>
                {
                    AddOne(keys[i], vectorAt(i));
                    Added();
                    return local;
                },
                _ => contexts.Release());
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private void AddOne(ulong key, ReadOnlySpan<float> vector)
    {
        UsearchNative.usearch_add(handle.Value, key, in vector[0], ScalarKind.Float32, out var error);
        Check(error, $"add key {key}");
    }

    /// <summary>
    /// Makes room for <paramref name="count"/> more vectors before they are added: reserving reallocates the graph's
    /// arrays, so it runs alone; room promised to adds still running is counted so concurrent adds never run short.
    /// </summary>
    private void EnsureCapacity(int count)
    {
        structure.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            var pending = Interlocked.Add(ref pendingAdds, count);
            try
            {
                var index = handle.Value;
                var size = (long)Native(UsearchNative.usearch_size(index, out var error), error, "count the vectors");
                var capacity = (long)Native(UsearchNative.usearch_capacity(index, out error), error, "read its capacity");
                var needed = size + pending;
                if (needed > capacity)
                {
                    // Half as much again: single adds then reallocate O(log n) times, not n times.
                    var target = Math.Max(needed, Math.Max(capacity + capacity / 2, 64));
                    UsearchNative.usearch_reserve(index, (nuint)target, out error);
                    Check(error, $"make room for {target} vectors");
                    ReserveThreadContexts();
                }
            }
            catch
            {
                Interlocked.Add(ref pendingAdds, -count);
                throw;
            }
        }
        finally
        {
            structure.ExitWriteLock();
        }
    }

    /// <summary>
    /// USearch sizes its per-thread scratch space by the machine's core count on every reserve; set it to the
    /// number of callers the semaphore lets in, which may differ (settings, containers limiting cores).
    /// </summary>
    private void ReserveThreadContexts()
    {
        var index = handle.Value;
        UsearchNative.usearch_change_threads_add(index, (nuint)threads, out var error);
        Check(error, "prepare thread contexts");
        UsearchNative.usearch_change_threads_search(index, (nuint)threads, out error);
        Check(error, "prepare thread contexts");
    }

    private void CheckVector(ReadOnlySpan<float> vector, string name)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The index holds {Dimensions}-dimensional vectors; {name} has {vector.Length}.", name);
        }

        // Cosine of a zero, infinite or NaN vector is NaN, which would misplace it in the graph for good.
        var squares = TensorPrimitives.SumOfSquares(vector);
        if (!float.IsFinite(squares) || squares == 0f)
        {
            throw new ArgumentException($"{name} is zero or not finite; only real directions can be compared by cosine.", name);
        }
    }

    private void ThrowIfReadOnly()
    {
        if (viewedPath is not null)
        {
            throw new InvalidOperationException($"This index is a read-only view of '{viewedPath}'; load it with HnswIndex.Load to change it.");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    private T Shared<T>(Func<T> action)
    {
        structure.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return action();
        }
        finally
        {
            structure.ExitReadLock();
        }
    }

    private T Exclusive<T>(Func<T> action)
    {
        structure.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            return action();
        }
        finally
        {
            structure.ExitWriteLock();
        }
    }
}
