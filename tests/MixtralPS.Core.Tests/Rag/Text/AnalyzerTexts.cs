using System.Text;
using System.Text.Json;

namespace MixtralPS.Core.Tests.Rag.Text;

/// <summary>Texts to compare the analyzer with FTS5 on: the repository's own documentation (a few thousand English
/// words of every kind), words that exercise each Porter rule, and words of other scripts and forms.</summary>
internal static class AnalyzerTexts
{
    public static readonly string[] TrickyWords =
    [
        // Porter's own examples and each step's edge: plurals, -eed/-ed/-ing, y, the m>0/m>1 suffixes, -e and -ll.
        "generalizations", "generalization", "oscillators", "oscillator", "sky", "skies", "agreed", "feed", "bled",
        "hopping", "hoping", "caresses", "ponies", "ties", "caress", "cats", "relational", "conditional", "rational",
        "valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli", "vileli", "analogousli",
        "vietnamization", "predication", "operator", "feudalism", "decisiveness", "hopefulness", "callousness",
        "formaliti", "sensitiviti", "sensibiliti", "triplicate", "formative", "formalize", "electriciti", "electrical",
        "hopeful", "goodness", "revival", "allowance", "inference", "airliner", "gyroscopic", "adjustable", "defensible",
        "irritant", "replacement", "adjustment", "dependent", "adoption", "homologou", "communism", "activate",
        "angulariti", "homologous", "effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll",
        "conflated", "troubled", "sized", "motoring", "sing", "filing", "failing", "happy", "mess", "meetings",
        "ied", "ing", "eed", "sses", "ies", "ss", "s", "is", "yes", "by", "boys", "days", "crying", "dying", "yelling",
        "biology", "anthology", "archaeology", "syzygy", "rhythm", "queueing", "hydroxylation", "phosphorylated",
        "proliferation", "apoptosis", "mitochondria", "immunohistochemistry", "cytokines", "upregulated", "knockdown",
        // Digits, apostrophes, hyphens, underscores, dots, case.
        "COVID-19", "IL-6", "p53", "H2O2", "3.14159", "1,000,000", "2nd", "don't", "O'Neill", "isn't", "rock'n'roll",
        "state-of-the-art", "e-mail", "snake_case_words", "CamelCaseWords", "ALLCAPS", "x86_64", "v1.2.3", "αβγ-δ",
        // Accented Latin, also decomposed and with several marks.
        "Crème", "brûlée", "naïve", "café", "CAFÉ", "Ångström", "smörgåsbord", "Æsir", "œuvre", "Straße", "Øresund",
        "Dvořák", "Łódź", "İstanbul", "ıslak", "ǘ", "Ấn", "Nguyễn", "tiếng", "Việt", "cafe\u0301", "n\u0303", "ǅemal",
        "ﬁnance", "ŉ", "ſtraße", "µg", "Ωmega", "Kelvin", "Å",
        // Cyrillic, Greek (with tonos and final sigma), Arabic (unvowelled), Armenian, Georgian, Hebrew (unpointed).
        "Привет", "МИР", "ёлка", "йогурт", "Ελληνικά", "ΟΔΥΣΣΕΥΣ", "λόγος", "ψυχής", "σοφίας", "μικρός",
        "العربية", "مرحبا", "بالعالم", "الكتاب", "Հայերեն", "ქართული", "עברית", "שלום",
        // Mixed scripts inside one word, supplementary letters, symbols, emoji and punctuation.
        "abcабв", "xαβγx", "𝐀𝐁𝐂", "𐐀𐐨", "😀smile", "a™b", "c©d", "#hashtag", "@mention", "50%", "$100", "¿Qué?", "¡Hola!",
        "«quoted»", "“curly”", "—dash—", "a/b\\c", "[x](y)", "<tag>", "a+b=c", "e.g.", "i.e.,", "...", "",
    ];

    /// <summary>Paragraphs of the repository's README and docs (found from the test's folder upward), plus the tricky
    /// words, one row each and all together in one row.</summary>
    public static List<string> Fixture()
    {
        var root = RepositoryRoot();
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        var texts = new List<string>();
        foreach (var file in files)
        {
            texts.AddRange(File.ReadAllText(file).Split("\n\n", StringSplitOptions.RemoveEmptyEntries));
        }
        texts.AddRange(TrickyWords);
        texts.Add(string.Join(" ", TrickyWords));
        return texts;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MixtralPS.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("MixtralPS.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>SciFact's corpus.jsonl: MIXTRALPS_SCIFACT_DIR, else the shared data beside the repository.</summary>
    public static string SciFactCorpus =>
        Path.Combine(Environment.GetEnvironmentVariable("MIXTRALPS_SCIFACT_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(RepositoryRoot(), "..", "shared", "data", "scifact"), "corpus.jsonl");

    /// <summary>Each SciFact document as BEIR embeds it: title, a space, text.</summary>
    public static List<string> SciFactDocuments()
    {
        var documents = new List<string>();
        foreach (var line in File.ReadLines(SciFactCorpus, Encoding.UTF8))
        {
            if (line.Length == 0) continue;
            using var json = JsonDocument.Parse(line);
            documents.Add(json.RootElement.GetProperty("title").GetString() + " " + json.RootElement.GetProperty("text").GetString());
        }
        return documents;
    }
}
