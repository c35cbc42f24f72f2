using System.Text;

namespace MixtralPS.Embeddings.Tests;

/// <summary>Deterministic, varied test texts (fixed seed; System.Random's seeded sequence is stable across .NET versions).</summary>
public static class TextCorpus
{
    private static readonly string[] English =
    [
        "the", "model", "embedding", "vector", "search", "query", "document", "football", "science", "cell", "protein",
        "gene", "expression", "patients", "study", "results", "significant", "increase", "decrease", "analysis",
        "data", "network", "learning", "shell", "module", "command", "pipeline", "object", "string", "value",
        "running", "quickly", "beautiful", "unbelievable", "tokenization", "antidisestablishmentarianism",
        "PowerShell", "Mistral", "ONNX", "Runtime", "BERT", "WordPiece", "is", "a", "of", "and", "to", "in", "with",
        "HIV", "DNA", "mRNA", "COVID-19", "p53", "IL-6", "TNF-α", "β-cells", "x86_64", "GPU", "CPU", "McDonald's",
    ];

    private static readonly string[] Accented =
    [
        "café", "naïve", "résumé", "Ångström", "façade", "crème brûlée", "Müller", "Straße", "Österreich", "niño",
        "señor", "São Paulo", "Kraków", "Dvořák", "Ærøskøbing", "Việt Nam", "Tiếng Việt", "Şişli", "Ελλάδα",
        "Москва", "naïveté", "coöperate", "ÉCOLE", "déjà vu", "Zürich", "smörgåsbord", "jalapeño", "İstanbul",
        "e\u0301te\u0301", "A\u030Angstro\u0308m",
    ];

    private static readonly string[] Cjk =
    [
        "日本語のテキスト", "中文字符", "机器学习", "東京都", "北京大学", "한국어 텍스트", "안녕하세요", "カタカナ", "ひらがな",
        "漢字と仮名", "深度学习模型", "自然言語処理", "ｶﾀｶﾅ", "全角ＡＢＣ１２３", "豈更車", "𠀀𪜀", "中文，標點。", "「引用」",
    ];

    private static readonly string[] Emoji =
    [
        "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "🎉", "❤️", "🤖", "🥰", "🫠", "⭐", "☕", "🚀", "✅", "🔥🔥🔥", "©", "™", "∑", "√2", "½", "²",
    ];

    private static readonly string[] Code =
    [
        "def f(x):\n    return x ** 2  # square\n",
        "for (int i = 0; i < n; i++) { sum += a[i]; }",
        "Get-ChildItem -Path C:\\Temp -Recurse | Where-Object { $_.Length -gt 1MB }",
        "{\"model\": \"mistral-small\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
        "SELECT id, name FROM users WHERE age >= 18 ORDER BY name;",
        "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); }",
        "x => x.Value?.ToString() ?? \"\"; a != b && c <= d || e >>= 2",
        "<div class=\"row\"><span id='x'>&amp; &lt;tag&gt;</span></div>",
        "git commit -m 'fix: handle CRLF' && git push origin main",
        "https://example.com/path?q=a+b&lang=en#frag user@example.org 192.168.0.1:8080",
        "\tindented\twith\ttabs\r\n\tand CRLF\r\n",
        "var camelCaseName = snake_case_name + SCREAMING_CASE + kebab-case;",
    ];

    private static readonly string[] PunctuationRuns =
    [
        "!!!", "???", "?!?!", "...", "…", "---", "–—", "***", "(((", ")))", "[[", "]]", "{{}}", "'''", "\"\"\"", "«»", "„“",
        "::", ";;", ",,,", "///", "\\\\", "@@", "##", "$$$", "%%", "^^", "&&", "||", "~~", "``", "<<>>", "==", "++", "__",
        "¿", "¡", "§", "¶", "•", "※", "‰",
    ];

    private static readonly string[] Specials = ["[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "[sep]"];

    private static readonly string[] Separators = [" ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\r\n\r\n", "\t", "\u00A0", "\u3000", "\u200B", "\u00AD"];

    /// <summary>A labelled text: Kind says what it stresses.</summary>
    public sealed record Sample(string Kind, string Text);

    /// <summary>520 texts: short and medium ones of every kind, and 20 past 512 tokens.</summary>
    public static IReadOnlyList<Sample> Generate()
    {
        var random = new Random(20_240_917);
        var samples = new List<Sample>();
        void Add(string kind, int count, Func<string> make)
        {
            for (var i = 0; i < count; i++)
            {
                samples.Add(new Sample(kind, make()));
            }
        }

        Add("plain", 80, () => Sentence(random, English, random.Next(3, 25), plainSeparators: true));
        Add("accents", 60, () => Mix(random, random.Next(3, 20), English, Accented));
        Add("cjk", 50, () => Mix(random, random.Next(2, 16), English, Cjk));
        Add("emoji", 50, () => Mix(random, random.Next(3, 16), English, Emoji));
        Add("code", 60, () => string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, Code) + Pick(random, ["\n", " ", "\n\n"]))));
        Add("empty-lines", 50, () => string.Join(Pick(random, ["\n\n", "\r\n\r\n", "\n \n", "\n\n\n"]), Enumerable.Range(0, random.Next(2, 5)).Select(_ => Sentence(random, English, random.Next(3, 12), plainSeparators: true))));
        Add("punctuation", 50, () => Mix(random, random.Next(3, 14), English, PunctuationRuns));
        Add("mixed-case", 60, () => MixedCase(random, Mix(random, random.Next(3, 20), English, Accented, Specials)));
        Add("medium", 40, () => Mix(random, random.Next(150, 260), English, Accented, Cjk, Emoji, PunctuationRuns));
        Add("long", 20, () => Mix(random, random.Next(700, 1200), English, Accented, Cjk, Emoji, PunctuationRuns, Code));
        return samples;
    }

    private static string Sentence(Random random, string[] words, int count, bool plainSeparators)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(plainSeparators ? " " : Pick(random, Separators));
            }

            builder.Append(Pick(random, words));
        }

        return builder.Append(Pick(random, [".", "?", "!", "", "..."])).ToString();
    }

    private static string Mix(Random random, int count, params string[][] pools)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(random.Next(4) == 0 ? Pick(random, Separators) : " ");
            }

            var pool = random.Next(3) == 0 ? pools[0] : pools[random.Next(pools.Length)];
            builder.Append(Pick(random, pool));
        }

        return builder.ToString();
    }

    private static string MixedCase(Random random, string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsLetter(chars[i]) && random.Next(3) == 0)
            {
                chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
            }
        }

        return new string(chars);
    }

    private static string Pick(Random random, string[] pool) => pool[random.Next(pool.Length)];
}
