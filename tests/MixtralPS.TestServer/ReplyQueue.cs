namespace MixtralPS.TestServer;

/// <summary>Scripted replies waiting to be used, FIFO per endpoint path. Thread-safe.</summary>
internal sealed class ReplyQueue
{
    private sealed class Entry(ScriptedReply reply)
    {
        public ScriptedReply Reply { get; } = reply;
        public int Remaining { get; set; } = reply.Repeat;
    }

    private readonly List<Entry> _entries = [];

    public void Add(IEnumerable<ScriptedReply> replies)
    {
        lock (_entries) _entries.AddRange(replies.Select(r => new Entry(r)));
    }

    public int Count { get { lock (_entries) return _entries.Count; } }

    public void Clear()
    {
        lock (_entries) _entries.Clear();
    }

    /// <summary>The oldest reply for this path, counting one use of it.</summary>
    public ScriptedReply? Take(string path)
    {
        lock (_entries)
        {
            var index = _entries.FindIndex(e => SamePath(e.Reply.Path, path));
            if (index < 0) return null;
            var entry = _entries[index];
            // Repeat <= 0 means "forever" (e.g. an endpoint that is always down).
            if (entry.Remaining > 0 && --entry.Remaining == 0) _entries.RemoveAt(index);
            return entry.Reply;
        }
    }

    private static bool SamePath(string? a, string b) =>
        string.Equals(Normalize(a ?? "/v1/chat/completions"), Normalize(b), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string p) => "/" + p.Trim().Trim('/');
}
