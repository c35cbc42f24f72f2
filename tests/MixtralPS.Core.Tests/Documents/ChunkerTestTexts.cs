using System.Text;

namespace MixtralPS.Core.Tests.Documents;

/// <summary>Texts that stress chunk boundaries: prose, CRLF, CJK, emoji, combining marks, long words.</summary>
internal static class ChunkerTestTexts
{
    public static readonly string Prose = string.Join("\n\n", Enumerable.Range(0, 40).Select(Paragraph));

    public static readonly string Crlf = Prose.ReplaceLineEndings("\r\n");

    public static readonly string Cjk = string.Concat(Enumerable.Range(0, 120).Select(i =>
        $"これは{i}番目の文です。東京は日本の首都です！本当に？" + (i % 10 == 9 ? "\n\n" : string.Empty)));

    public static readonly string Emoji = string.Concat(Enumerable.Range(0, 300).Select(i =>
        i % 7 == 0 ? "👩‍👩‍👧 family " : i % 5 == 0 ? "👍🏽 ok. " : i % 3 == 0 ? "🙂🙂🙂" : "word "));

    public static readonly string LongWord = "start " + new string('x', 3000) + " end";

    public static IEnumerable<string> All => [Prose, Crlf, Cjk, Emoji, LongWord, Random(1), Random(2), Random(3)];

    /// <summary>Words, sentence ends, line and paragraph breaks in random order.</summary>
    public static string Paragraph(int index)
    {
        var random = new Random(index);
        var text = new StringBuilder();
        var sentences = random.Next(1, 6);
        for (var s = 0; s < sentences; s++)
        {
            var words = random.Next(3, 20);
            for (var w = 0; w < words; w++)
            {
                text.Append(w == 0 ? "Word" : "word").Append(random.Next(100)).Append(w == words - 1 ? ". " : " ");
            }
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Random characters of every kind that matters, whitespace runs included.</summary>
    public static string Random(int seed)
    {
        string[] atoms = ["a", "bc", "def ", " ", "  ", "\n", "\r\n", "\n\n", "\t", ". ", "! ", "?", "日本", "。", "🙂", "👍🏽", "e\u0301", "\u200D", "x"];
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < 5000)
        {
            text.Append(atoms[random.Next(atoms.Length)]);
        }

        return text.ToString();
    }
}
