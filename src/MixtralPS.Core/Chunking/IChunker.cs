namespace MixtralPS.Core.Chunking;

/// <summary>Splits a document's text into chunks small enough to embed and to quote as context.</summary>
public interface IChunker
{
    /// <summary>"Fixed" or "Recursive".</summary>
    string Name { get; }

    /// <summary>The chunks of <paramref name="text"/> in order; none for an empty text.</summary>
    IReadOnlyList<TextChunk> Split(string text);

    /// <summary>The chunker and its settings, as stored with an index: "Recursive(size=512, overlap=64)".</summary>
    string Describe();

    /// <summary>
    /// The same chunker for text that will be embedded after <paramref name="prefix"/> (a heading path): its token
    /// limit then counts the prefix too, so no chunk goes over the model's limit with it.
    /// </summary>
    IChunker ForPrefix(string prefix) => this;
}
