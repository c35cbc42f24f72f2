using System.Buffers;
using System.Text;

namespace MixtralPS.Core.Embeddings;

/// <summary>
/// BERT WordPiece tokenization matching Hugging Face tokenizers' BertNormalizer (clean text, CJK spacing,
/// accent stripping, lower-casing), BertPreTokenizer (whitespace and punctuation), WordPiece (greedy longest
/// match, 100-character word limit) and the [CLS] … [SEP] template with right truncation, which is what
/// sentence-transformers feeds these models. Special tokens written in the text ("[SEP]") are kept as such,
/// as Hugging Face does. Thread-safe.
/// </summary>
public sealed class WordPieceTokenizer
{
    /// <summary>Longer words become one [UNK] (Hugging Face's max_input_chars_per_word).</summary>
    public const int MaxCharactersPerWord = 100;

    private static readonly string[] SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    private readonly WordPieceVocabulary vocabulary;
    private readonly int[] specialIds;

    internal WordPieceTokenizer(WordPieceVocabulary vocabulary, bool lowerCase)
    {
        this.vocabulary = vocabulary;
        LowerCase = lowerCase;
        specialIds = SpecialTokens.Select(vocabulary.Find).ToArray();
        PadId = Require("[PAD]");
        UnknownId = Require("[UNK]");
        ClsId = Require("[CLS]");
        SepId = Require("[SEP]");

        int Require(string token) => vocabulary.Find(token) is var id and >= 0
            ? id
            : throw new InvalidDataException($"The vocabulary has no {token} token.");
    }

    /// <summary>Loads a vocab.txt.</summary>
    /// <param name="lowerCase">True for uncased models: lower-case and strip accents.</param>
    public static WordPieceTokenizer FromVocabularyFile(string path, bool lowerCase = true) =>
        new(WordPieceVocabulary.Load(path), lowerCase);

    public bool LowerCase { get; }

    public int VocabularySize => vocabulary.Count;

    public int PadId { get; }

    public int UnknownId { get; }

    public int ClsId { get; }

    public int SepId { get; }

    /// <summary>The vocabulary entry of <paramref name="id"/>.</summary>
    public string IdToToken(int id) => vocabulary[id];

    /// <summary>
    /// Tokenizes <paramref name="text"/> to at most <paramref name="maxTokens"/> ids, [CLS] and [SEP] included;
    /// stops reading the text once the limit is passed.
    /// </summary>
    public TokenizedText Encode(string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);

        var sink = new PieceSink(maxTokens - 2, Math.Min(maxTokens, (text.Length / 3) + 8));
        Tokenize(text, ref sink);
        var ids = new int[sink.Count + 2];
        ids[0] = ClsId;
        sink.CopyTo(ids.AsSpan(1));
        ids[^1] = SepId;
        return new TokenizedText(ids, sink.Overflowed);
    }

    /// <summary>The word pieces of <paramref name="text"/>, without [CLS]/[SEP] and without a limit (for inspection).</summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sink = new PieceSink(int.MaxValue, 16);
        Tokenize(text, ref sink);
        var pieces = new string[sink.Count];
        for (var i = 0; i < pieces.Length; i++)
        {
            pieces[i] = vocabulary[sink[i]];
        }

        return pieces;
    }

    private void Tokenize(string text, ref PieceSink sink)
    {
        // Special tokens are matched on the raw text first, and the text between them is normalized on its own.
        var start = 0;
        var search = 0;
        while (search < text.Length && !sink.Overflowed)
        {
            var open = text.IndexOf('[', search);
            if (open < 0)
            {
                break;
            }

            var special = MatchSpecial(text, open);
            if (special < 0)
            {
                search = open + 1;
                continue;
            }

            TokenizeSegment(text.AsSpan(start, open - start), ref sink);
            sink.Add(specialIds[special]);
            start = search = open + SpecialTokens[special].Length;
        }

        if (start < text.Length && !sink.Overflowed)
        {
            TokenizeSegment(text.AsSpan(start), ref sink);
        }
    }

    private int MatchSpecial(string text, int at)
    {
        for (var i = 0; i < SpecialTokens.Length; i++)
        {
            if (specialIds[i] >= 0 && text.AsSpan(at).StartsWith(SpecialTokens[i], StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Normalizes and pre-tokenizes a stretch of text, sending each word through WordPiece.</summary>
    private void TokenizeSegment(ReadOnlySpan<char> text, ref PieceSink sink)
    {
        // Words longer than the limit become [UNK] whatever their length, so the buffer need not grow past it.
        var buffer = ArrayPool<char>.Shared.Rent(Math.Min(text.Length, 4 * MaxCharactersPerWord) + 8);
        try
        {
            var word = new WordBuffer(buffer);
            var index = 0;
            while (index < text.Length && !sink.Overflowed)
            {
                var cp = ReadCodePoint(text, ref index);
                if (cp < 0x80)
                {
                    if (cp is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
                    {
                        word.Append((char)cp);
                    }
                    else if (cp is >= 'A' and <= 'Z')
                    {
                        word.Append(LowerCase ? (char)(cp | 0x20) : (char)cp);
                    }
                    else if (cp is ' ' or '\t' or '\n' or '\r')
                    {
                        EmitWord(ref word, ref sink);
                    }
                    else if (BertCharacters.IsPunctuation(cp))
                    {
                        EmitWord(ref word, ref sink);
                        word.Append((char)cp);
                        EmitWord(ref word, ref sink);
                    }

                    // Anything else below 0x80 is a control character, which clean_text drops.
                    continue;
                }

                if (BertCharacters.IsDropped(cp))
                {
                    continue;
                }

                if (BertCharacters.IsWhitespace(cp))
                {
                    EmitWord(ref word, ref sink);
                    continue;
                }

                if (BertCharacters.IsChinese(cp))
                {
                    // Spaces around the ideograph make it a word of its own (after NFD, for compatibility ideographs).
                    EmitWord(ref word, ref sink);
                    AppendPreTokenized(LowerCase ? BertCharacters.Fold(cp) : char.ConvertFromUtf32(cp), ref word, ref sink);
                    EmitWord(ref word, ref sink);
                    continue;
                }

                AppendPreTokenized(LowerCase ? BertCharacters.Fold(cp) : char.ConvertFromUtf32(cp), ref word, ref sink);
            }

            EmitWord(ref word, ref sink);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>The pre-tokenizer's view of normalized characters: whitespace ends a word, punctuation is one.</summary>
    private void AppendPreTokenized(string normalized, ref WordBuffer word, ref PieceSink sink)
    {
        var index = 0;
        while (index < normalized.Length)
        {
            var start = index;
            var cp = ReadCodePoint(normalized, ref index);
            if (BertCharacters.IsWhitespace(cp))
            {
                EmitWord(ref word, ref sink);
            }
            else if (BertCharacters.IsPunctuation(cp))
            {
                EmitWord(ref word, ref sink);
                word.Append(normalized.AsSpan(start, index - start));
                EmitWord(ref word, ref sink);
            }
            else
            {
                word.Append(normalized.AsSpan(start, index - start));
            }
        }
    }

    private void EmitWord(ref WordBuffer word, ref PieceSink sink)
    {
        if (word.CodePoints == 0 || sink.Overflowed)
        {
            word.Clear();
            return;
        }

        if (word.CodePoints > MaxCharactersPerWord)
        {
            sink.Add(UnknownId);
        }
        else
        {
            AddWordPieces(word.Span, ref sink);
        }

        word.Clear();
    }

    /// <summary>Greedy longest-match-first; a word with any unmatched remainder becomes a single [UNK].</summary>
    private void AddWordPieces(ReadOnlySpan<char> word, ref PieceSink sink)
    {
        var whole = vocabulary.FindWord(word);
        if (whole >= 0)
        {
            sink.Add(whole);
            return;
        }

        var mark = sink.Count;
        var start = 0;
        while (start < word.Length)
        {
            var end = word.Length;
            var id = -1;
            while (end > start)
            {
                var piece = word[start..end];
                id = start == 0 ? vocabulary.FindWord(piece) : vocabulary.FindContinuation(piece);
                if (id >= 0)
                {
                    break;
                }

                // Shorten by one code point, never splitting a surrogate pair.
                end -= end - 2 >= start && char.IsLowSurrogate(word[end - 1]) && char.IsHighSurrogate(word[end - 2]) ? 2 : 1;
            }

            if (id < 0)
            {
                // Pieces of this word that hit the limit are taken back too: the word is one [UNK].
                sink.Truncate(mark);
                sink.Add(UnknownId);
                return;
            }

            sink.Add(id);
            start = end;
        }
    }

    /// <summary>Reads one code point; a lone surrogate reads as U+FFFD, which clean_text drops.</summary>
    private static int ReadCodePoint(ReadOnlySpan<char> text, ref int index)
    {
        var c = text[index++];
        if (!char.IsSurrogate(c))
        {
            return c;
        }

        if (char.IsHighSurrogate(c) && index < text.Length && char.IsLowSurrogate(text[index]))
        {
            return char.ConvertToUtf32(c, text[index++]);
        }

        return 0xFFFD;
    }

    /// <summary>The word being built, with its length in code points (the unit of the word limit).</summary>
    private ref struct WordBuffer
    {
        private readonly char[] buffer;
        private int length;

        public WordBuffer(char[] buffer)
        {
            this.buffer = buffer;
            length = 0;
            CodePoints = 0;
        }

        public int CodePoints { get; private set; }

        public readonly int Length => length;

        public readonly ReadOnlySpan<char> Span => buffer.AsSpan(0, length);

        // Characters past the buffer are only counted: such a word is over the limit and becomes [UNK].
        public void Append(char c)
        {
            CodePoints++;
            if (length < buffer.Length)
            {
                buffer[length++] = c;
            }
        }

        /// <summary>Appends exactly one code point (one or two chars).</summary>
        public void Append(ReadOnlySpan<char> codePoint)
        {
            CodePoints++;
            if (length + codePoint.Length <= buffer.Length)
            {
                codePoint.CopyTo(buffer.AsSpan(length));
                length += codePoint.Length;
            }
        }

        public void Clear()
        {
            length = 0;
            CodePoints = 0;
        }
    }

    /// <summary>Collects piece ids up to a budget and notes when the text held more.</summary>
    private struct PieceSink
    {
        private readonly int budget;
        private int[] ids;

        public PieceSink(int budget, int initialCapacity)
        {
            this.budget = budget;
            ids = new int[Math.Max(4, Math.Min(initialCapacity, budget))];
            Count = 0;
            Overflowed = false;
        }

        public int Count { get; private set; }

        public bool Overflowed { get; private set; }

        public readonly int this[int index] => ids[index];

        public void Add(int id)
        {
            if (Count == budget)
            {
                Overflowed = true;
                return;
            }

            if (Count == ids.Length)
            {
                Array.Resize(ref ids, (int)Math.Min((long)ids.Length * 2, budget));
            }

            ids[Count++] = id;
        }

        /// <summary>Forgets pieces added since <paramref name="count"/> (a word that turned out unknown).</summary>
        public void Truncate(int count)
        {
            // Words are only started while under the budget, so nothing had overflowed before count.
            Count = count;
            Overflowed = false;
        }

        public readonly void CopyTo(Span<int> destination) => ids.AsSpan(0, Count).CopyTo(destination);
    }
}
