using System.Text;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>Assembles streamed chunks (text and tool-call deltas) into the whole answer.</summary>
public sealed class ChatStreamAccumulator
{
    private readonly StringBuilder content = new();
    private readonly SortedDictionary<int, ToolCallBuilder> toolCalls = [];

    public string? Id { get; private set; }

    public string? Model { get; private set; }

    public long? Created { get; private set; }

    public string? FinishReason { get; private set; }

    public UsageInfo? Usage { get; private set; }

    public int Chunks { get; private set; }

    public int ContentLength => content.Length;

    public string Content => content.ToString();

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
