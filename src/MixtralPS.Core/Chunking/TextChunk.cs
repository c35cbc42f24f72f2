namespace MixtralPS.Core.Chunking;

/// <summary>One piece of a document's text.</summary>
/// <param name="Ordinal">Position among the document's chunks, from 0.</param>
/// <param name="Start">Offset into the document text, in UTF-16 code units: <c>text.Substring(Start, Length) == Text</c>.</param>
public sealed record TextChunk(int Ordinal, int Start, int Length, string Text)
{
    public int End => Start + Length;
}
