using System.Text;

namespace MixtralPS.Core.Rag;

/// <summary>Prompts that put retrieved context before a question.</summary>
public static class GroundedPrompt
{
    /// <summary>The tutorial's prompt, for -AsPrompt: the context, then the query.</summary>
    public static string Tutorial(string query, IEnumerable<RagContextChunk> chunks)
    {
        var text = new StringBuilder();
        text.Append("Context information is below.\n---------------------\n");
        foreach (var chunk in chunks)
        {
            text.Append(chunk.Text).Append('\n');
        }

        text.Append("---------------------\n");
        text.Append("Given the context information and not prior knowledge, answer the query.\n");
        text.Append("Query: ").Append(query).Append('\n');
        text.Append("Answer:");
        return text.ToString();
    }

    /// <summary>
    /// The message a grounded chat sends: numbered sources, each with its origin, then the question and the
    /// instruction to cite sources by number. Returns the sources in their numbering order.
    /// </summary>
    public static (string Message, IReadOnlyList<string> Sources) WithSources(string question, IReadOnlyList<RagContextChunk> chunks)
    {
        var sources = new List<string>();
        var text = new StringBuilder();
        text.Append("Answer the question using only the numbered sources below. Cite the sources you use as [1], [2]. ")
            .Append("If the sources do not contain the answer, say so.\n\n");
        foreach (var chunk in chunks)
        {
            var number = sources.IndexOf(chunk.Source) + 1;
            if (number == 0)
            {
                sources.Add(chunk.Source);
                number = sources.Count;
            }

            text.Append('[').Append(number).Append("] (").Append(chunk.Source).Append(")\n").Append(chunk.Text.Trim()).Append("\n\n");
        }

        text.Append("Question: ").Append(question);
        return (text.ToString(), sources);
    }
}
