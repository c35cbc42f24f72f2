namespace MixtralPS.Core.Rag;

/// <summary>What one New-RagIndex run did, and what the index holds after it.</summary>
public sealed class RagIndexSummary
{
    public required string Path { get; init; }

    public required string Model { get; init; }

    public int Added { get; set; }

    public int Updated { get; set; }

    public int Skipped { get; set; }

    public int Removed { get; set; }

    /// <summary>Inputs that could not be read or embedded (each was reported).</summary>
    public int Failed { get; set; }

    public long ChunksWritten { get; set; }

    /// <summary>Chunks of this run that were embedded: new or changed text.</summary>
    public long ChunksEmbedded { get; set; }

    /// <summary>Chunks of this run whose stored embedding was used again (their text was already in the index).</summary>
    public long ChunksReused { get; set; }

    public int Documents { get; set; }

    public long Chunks { get; set; }

    public TimeSpan Elapsed { get; set; }

    public bool WhatIf { get; init; }

    public override string ToString() =>
        $"{Path}: {Added} added, {Updated} updated, {Skipped} unchanged, {Removed} removed, {Failed} failed; {ChunksEmbedded} chunks embedded, {ChunksReused} reused; {Documents} documents, {Chunks} chunks ({Model})";
}
