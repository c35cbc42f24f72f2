using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Client;
using MixtralPS.Core.Chunking;
using MixtralPS.Core.Documents;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Ocr;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>New-RagIndex: the settings an update inherits from its index, and the chunker they make.</summary>
public sealed partial class NewRagIndexCommand
{
    private void InheritSettings(RagIndexSettings existing)
    {
        var bound = MyInvocation.BoundParameters;
        if (!bound.ContainsKey(nameof(Model)))
        {
            ModelName = existing.EmbeddingModel;
        }

        if (!bound.ContainsKey(nameof(MaxTokens)) && existing.MaxTokens <= 512)
        {
            MaxTokens = EmbeddingModels.IsLocal(existing.EmbeddingModel) ? existing.MaxTokens : null;
        }

        if (!bound.ContainsKey(nameof(Chunker)) && Enum.TryParse<RagChunker>(existing.Chunker, out var chunker))
        {
            Chunker = chunker;
        }

        if (!bound.ContainsKey(nameof(ChunkSize)))
        {
            ChunkSize = existing.ChunkSize;
        }

        if (!bound.ContainsKey(nameof(ChunkOverlap)))
        {
            ChunkOverlap = existing.ChunkOverlap;
        }

        if (!bound.ContainsKey(nameof(Stemming)))
        {
            Stemming = existing.Stemming;
        }
    }

    private IChunker CreateChunker(RagIndexSettings settings)
    {
        var tokens = TokenCounter();
        return Chunker == RagChunker.Fixed
            ? new FixedChunker(settings.ChunkSize, tokens, settings.MaxTokens)
            : new RecursiveChunker(settings.ChunkSize, settings.ChunkOverlap, tokens, settings.MaxTokens);
    }

    /// <summary>The embedding model's own token count, so no chunk is silently truncated.</summary>
    private Func<string, int> TokenCounter() => Provider switch
    {
        // Pieces plus [CLS] and [SEP], counted without truncation so that an over-long chunk shows as such.
        OnnxEmbeddingProvider local => text => local.Tokenizer.Tokenize(local.ModelInfo.DocumentPrefix + text).Count + 2,
        _ => EmbeddingBatcher.EstimateTokens,
    };
}
