namespace MixtralPS.Core.Embeddings;

/// <summary>
/// A BERT vocab.txt: one token per line, the line number is the id. Looked up by span so WordPiece's
/// longest-match search allocates nothing (Dictionary's span lookup needs .NET 9; the module targets .NET 8).
/// </summary>
internal sealed class WordPieceVocabulary
{
    private const string ContinuationPrefix = "##";

    private readonly string[] tokens;
    private readonly SpanTable words;
    private readonly SpanTable continuations;

    public WordPieceVocabulary(IReadOnlyList<string> tokens)
    {
        this.tokens = [.. tokens];
        words = new SpanTable(tokens.Count);
        continuations = new SpanTable(tokens.Count);
        for (var id = 0; id < tokens.Count; id++)
        {
            var token = tokens[id];

            // Continuation pieces are also kept under their bare text so a search needs no "##" + piece string.
            if (token.StartsWith(ContinuationPrefix, StringComparison.Ordinal) && token.Length > ContinuationPrefix.Length)
            {
                continuations.TryAdd(token[ContinuationPrefix.Length..], id);
            }

            words.TryAdd(token, id);
        }
    }

    public int Count => tokens.Length;

    public string this[int id] => tokens[id];

    /// <summary>Reads vocab.txt (LF or CRLF; the packaged copies are CRLF), one token a line.</summary>
    public static WordPieceVocabulary Load(string path)
    {
        var lines = new List<string>(32_000);
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        // A final empty line is the file's trailing newline, not a token.
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return new WordPieceVocabulary(lines);
    }

    /// <summary>Id of a word-initial piece, or -1.</summary>
    public int FindWord(ReadOnlySpan<char> piece) => words.Find(piece);

    /// <summary>Id of "##" + <paramref name="piece"/>, or -1.</summary>
    public int FindContinuation(ReadOnlySpan<char> piece) => continuations.Find(piece);

    /// <summary>Id of <paramref name="token"/> exactly as written (special tokens included), or -1.</summary>
    public int Find(string token) =>
        token.StartsWith(ContinuationPrefix, StringComparison.Ordinal) && token.Length > ContinuationPrefix.Length
            ? continuations.Find(token.AsSpan(ContinuationPrefix.Length))
            : words.Find(token);

    /// <summary>Open-addressing string → id table searchable by span.</summary>
    private sealed class SpanTable
    {
        private readonly string?[] keys;
        private readonly int[] values;
        private readonly int mask;

        public SpanTable(int capacity)
        {
            var size = 16;
            while (size < capacity * 2)
            {
                size <<= 1;
            }

            keys = new string?[size];
            values = new int[size];
            mask = size - 1;
        }

        public void TryAdd(string key, int value)
        {
            var slot = string.GetHashCode(key.AsSpan()) & mask;
            while (keys[slot] is { } existing)
            {
                if (existing == key)
                {
                    return;
                }

                slot = (slot + 1) & mask;
            }

            keys[slot] = key;
            values[slot] = value;
        }

        public int Find(ReadOnlySpan<char> key)
        {
            var slot = string.GetHashCode(key) & mask;
            while (keys[slot] is { } existing)
            {
                if (key.SequenceEqual(existing))
                {
                    return values[slot];
                }

                slot = (slot + 1) & mask;
            }

            return -1;
        }
    }
}
