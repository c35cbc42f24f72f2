using System.Globalization;
using System.Text.Json;

namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>A document of a BEIR corpus (corpus.jsonl): its id, title and text.</summary>
public sealed record BeirDocument(string Id, string Title, string Text);

/// <summary>The questions of one split of a BEIR folder, and what was left out of them and why.</summary>
public sealed record BeirQuestions(IReadOnlyList<EvaluationQuery> Queries, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads a dataset in the BEIR layout: queries.jsonl ({"_id", "text"} a line), qrels/&lt;split&gt;.tsv (query-id,
/// corpus-id, score; tab-separated, a header line optional) and corpus.jsonl ({"_id", "title", "text"} a line). As in
/// BEIR, the questions of a split are those its qrels judge; a question with no judgment above 0 is left out (no
/// measure is defined for it), and so is a judged id that queries.jsonl lacks, each with a warning.
/// </summary>
public static class BeirDataset
{
    public const string QueriesFile = "queries.jsonl";
    public const string CorpusFile = "corpus.jsonl";

    public static string QrelsFile(string folder, string split) => Path.Combine(folder, "qrels", split + ".tsv");

    public static BeirQuestions ReadQuestions(string folder, string split = "test")
    {
        var qrelsFile = QrelsFile(folder, split);
        var queriesFile = Path.Combine(folder, QueriesFile);
        foreach (var file in new[] { queriesFile, qrelsFile })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"'{folder}' is not a BEIR folder: it has no {Path.GetRelativePath(folder, file)}.", file);
            }
        }

        var judged = ReadQrels(qrelsFile);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(queriesFile))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var json = Parse(line, queriesFile, lineNumber);
            var id = Text(json.RootElement, "_id", queriesFile, lineNumber);
            if (judged.ContainsKey(id))
            {
                texts[id] = Text(json.RootElement, "text", queriesFile, lineNumber);
            }
        }

        var queries = new List<EvaluationQuery>();
        var warnings = new List<string>();
        foreach (var (id, expected) in judged)
        {
            if (!texts.TryGetValue(id, out var text))
            {
                warnings.Add($"Query '{id}' is judged in {Path.GetFileName(qrelsFile)} but not in {QueriesFile}; left out.");
            }
            else if (!expected.Any(e => e.Grade > 0))
            {
                warnings.Add($"Query '{id}' has no judgment above 0; left out.");
            }
            else
            {
                queries.Add(new EvaluationQuery(id, text, expected));
            }
        }

        return new BeirQuestions(queries, warnings);
    }

    /// <summary>The documents of corpus.jsonl, read as they are needed.</summary>
    public static IEnumerable<BeirDocument> ReadCorpus(string folder)
    {
        var file = Path.Combine(folder, CorpusFile);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var json = Parse(line, file, lineNumber);
            var title = json.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            yield return new BeirDocument(Text(json.RootElement, "_id", file, lineNumber), title, Text(json.RootElement, "text", file, lineNumber));
        }
    }

    /// <summary>Judgments per query id, in the order the file first names each query.</summary>
    private static Dictionary<string, List<ExpectedSource>> ReadQrels(string file)
    {
        var judged = new Dictionary<string, List<ExpectedSource>>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length < 3 || !int.TryParse(fields[^1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var grade))
            {
                if (lineNumber == 1)
                {
                    continue; // the header: query-id, corpus-id, score
                }

                throw new InvalidDataException($"{file}, line {lineNumber}: expected query-id, corpus-id and an integer score separated by tabs.");
            }

            // BEIR's files have three columns; TREC's have four (query, iteration, document, score).
            var (query, document) = fields.Length == 3 ? (fields[0], fields[1]) : (fields[0], fields[2]);
            if (!judged.TryGetValue(query, out var list))
            {
                judged[query] = list = [];
            }

            list.Add(new ExpectedSource(document, grade));
        }

        return judged;
    }

    private static JsonDocument Parse(string line, string file, int lineNumber)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{file}, line {lineNumber}: not a JSON object ({ex.Message})", ex);
        }
    }

    private static string Text(JsonElement element, string property, string file, int lineNumber)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value))
        {
            throw new InvalidDataException($"{file}, line {lineNumber}: no \"{property}\".");
        }

        // Ids may be numbers in some BEIR exports.
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new InvalidDataException($"{file}, line {lineNumber}: \"{property}\" is not a string."),
        };
    }
}
