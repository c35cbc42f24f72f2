using MixtralPS.Core.Rag.Stores;

namespace MixtralPS.Core.Rag;

/// <summary>
/// Open readers kept between queries: opening maps the graph and reads the settings, so a warm query costs only an
/// embedding and a search. A reader serves one caller at a time (a folder reader holds one SQLite connection), so callers rent
/// one and return it (parallel runspaces each get their own). At most <see cref="Capacity"/> idle readers stay
/// open, the least recently used closed first; one whose index has changed since it opened is replaced.
/// </summary>
public sealed class RagReaderPool(int capacity)
{
    private readonly object gate = new();
    private readonly LinkedList<(string Key, RagIndexReader Reader)> idle = new();

    /// <summary>The pool the cmdlets share within a process.</summary>
    public static RagReaderPool Shared { get; } = new(capacity: 8);

    public int Capacity { get; } = capacity;

    /// <summary>Idle readers held now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return idle.Count;
            }
        }
    }

    /// <summary>A current reader of the folder index in <paramref name="folder"/>.</summary>
    public RagIndexReader Rent(string folder) =>
        RentAsync(new FolderIndexLocation(folder), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>A current reader of the index: an idle one if there is, else a new one.</summary>
    public async Task<RagIndexReader> RentAsync(RagIndexLocation location, CancellationToken cancellationToken)
    {
        RagIndexReader? kept = null;
        lock (gate)
        {
            for (var node = idle.First; node is not null; node = node.Next)
            {
                if (string.Equals(node.Value.Key, location.Key, StringComparison.Ordinal))
                {
                    kept = node.Value.Reader;
                    idle.Remove(node);
                    break;
                }
            }
        }

        if (kept is not null)
        {
            if (!kept.IsStale())
            {
                return kept;
            }

            kept.Dispose();
        }

        return await RagIndexReader.OpenAsync(location, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives a rented reader back (the folder argument is kept for callers written before other stores).</summary>
    public void Return(string folder, RagIndexReader reader) => Return(reader);

    /// <summary>Gives a rented reader back for the next query, closing the least recently used past the capacity.</summary>
    public void Return(RagIndexReader reader)
    {
        var closing = new List<RagIndexReader>();
        lock (gate)
        {
            idle.AddFirst((reader.Location.Key, reader));
            while (idle.Count > Capacity)
            {
                closing.Add(idle.Last!.Value.Reader);
                idle.RemoveLast();
            }
        }

        closing.ForEach(r => r.Dispose());
    }
}
