using System.Text;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>Assembles streamed chunks (text and tool-call deltas) into the whole answer.</summary>
public sealed class ChatStreamAccumulator
{
    private readonly StringBuilder content = new();
    private readonly StringBuilder thinking = new();
    private readonly List<ContentChunk> otherParts = [];
    private string? thinkingSignature;
    private readonly SortedDictionary<int, ToolCallBuilder> toolCalls = [];

    public string? Id { get; private set; }

    public string? Model { get; private set; }

    public long? Created { get; private set; }

    public string? FinishReason { get; private set; }

    public UsageInfo? Usage { get; private set; }

    public int Chunks { get; private set; }

    public int ContentLength => content.Length;

    public string Content => content.ToString();

    /// <summary>A reasoning model's thinking so far (ThinkChunks of the deltas), apart from the answer.</summary>
    public string Thinking => thinking.ToString();

    /// <summary>The thinking carried by the chunk added last.</summary>
    public string LastThinking { get; private set; } = "";

    /// <summary>
    /// The answer's content as chunks when the deltas came as chunks with more than text (thinking, references,
    /// unknown types), so that history sends back what the API needs; null for a plain text answer.
    /// </summary>
    public IReadOnlyList<ContentChunk>? Parts()
    {
        if (thinking.Length == 0 && otherParts.Count == 0)
        {
            return null;
        }

        var parts = new List<ContentChunk>();
        if (thinking.Length > 0)
        {
            parts.Add(new ThinkChunk([new TextChunk(thinking.ToString())], thinkingSignature));
        }

        parts.AddRange(otherParts);
        parts.Add(new TextChunk(content.ToString()));
        return parts;
    }

    /// <summary>Adds one chunk and returns the text it carried for the first choice (empty if none).</summary>
    public string Add(CompletionChunk chunk)
    {
        Chunks++;
        Id ??= chunk.Id;
        Model ??= chunk.Model;
        Created ??= chunk.Created;
        if (chunk.Usage is not null)
        {
            Usage = chunk.Usage;
        }

        var text = "";
        LastThinking = "";
        foreach (var choice in chunk.Choices.Where(c => c.Index == 0))
        {
            if (choice.FinishReason is not null)
            {
                FinishReason = choice.FinishReason;
            }

            if (choice.Delta is not { } delta)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(delta.Content))
            {
                content.Append(delta.Content);
                text += delta.Content;
            }

            foreach (var part in delta.Parts ?? [])
            {
                switch (part)
                {
                    case ThinkChunk think:
                        thinking.Append(think.Text);
                        LastThinking += think.Text;
                        thinkingSignature = think.Signature ?? thinkingSignature;
                        break;
                    case TextChunk:
                        break;
                    default:
                        otherParts.Add(part);
                        break;
                }
            }

            foreach (var call in delta.ToolCalls ?? [])
            {
                var index = call.Index ?? toolCalls.Count;
                if (!toolCalls.TryGetValue(index, out var builder))
                {
                    toolCalls[index] = builder = new ToolCallBuilder();
                }

                builder.Add(call);
            }
        }

        return text;
    }

    public List<ToolCall> ToolCalls() => toolCalls.Values.Select(b => b.Build()).ToList();

    /// <summary>Mistral sends a whole call per delta; OpenAI-style servers send the id and name once and the arguments in pieces.</summary>
    private sealed class ToolCallBuilder
    {
        private readonly StringBuilder arguments = new();
        private string? id;
        private string? name;

        public void Add(ToolCall delta)
        {
            id ??= string.IsNullOrEmpty(delta.Id) || delta.Id == "null" ? null : delta.Id;
            name ??= string.IsNullOrEmpty(delta.Function.Name) ? null : delta.Function.Name;
            arguments.Append(delta.Function.Arguments);
        }

        public ToolCall Build() => new()
        {
            Id = id,
            Type = "function",
            Function = new FunctionCall { Name = name ?? "", Arguments = arguments.ToString() },
        };
    }
}
