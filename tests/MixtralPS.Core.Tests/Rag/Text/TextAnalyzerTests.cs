using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Text;

namespace MixtralPS.Core.Tests.Rag.Text;

public sealed class TextAnalyzerTests
{
    private static readonly TextAnalyzer Plain = TextAnalyzer.For(KeywordStemming.None);
    private static readonly TextAnalyzer Porter = TextAnalyzer.For(KeywordStemming.Porter);

    [Theory]
    [InlineData("generalizations", "gener")]
    [InlineData("oscillators", "oscil")]
    [InlineData("relational", "relat")]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("ties", "ti")]
    [InlineData("hopping", "hop")]
    [InlineData("agreed", "agre")]
    [InlineData("feed", "feed")]
    [InlineData("sky", "sky")]
    [InlineData("happy", "happi")]
    [InlineData("is", "is")]
    public void Porter_stems_as_FTS5_does(string word, string stem)
    {
        Assert.Equal([stem], Porter.Terms(word));
        Assert.Equal([word], Plain.Terms(word));
    }

    [Fact]
    public void Stemming_reaches_a_suffix_after_other_scripts_letters_and_skips_long_words()
    {
        Assert.Equal(["αβcat"], Porter.Terms("αβcats"));
        var longWord = new string('a', 61) + "ing"; // 64 bytes: stemmed; one more and FTS5 leaves it alone
        Assert.Equal([new string('a', 61)], Porter.Terms(longWord));
        Assert.Equal(["b" + longWord], Porter.Terms("b" + longWord));
    }

    [Fact]
    public void Folds_case_and_removes_latin_diacritics()
    {
        Assert.Equal(["creme", "brulee", "angstrom", "dvorak", "nguyen", "u", "straße", "łodz"],
            Plain.Terms("Crème BRÛLÉE Ångström Dvořák Nguyễn Ǘ Straße Łódź"));
        Assert.Equal(["cafe"], Plain.Terms("cafe\u0301")); // decomposed: the mark is dropped
    }

    [Fact]
    public void Greek_keeps_its_accents_and_folds_final_sigma_as_FTS5()
    {
        Assert.Equal(["σοφοσ", "λόγοσ", "привет", "мир"], Plain.Terms("ΣΟΦΟΣ λόγος Привет, МИР!"));
    }

    [Fact]
    public void Breaks_at_everything_but_letters_digits_and_marks()
    {
        Assert.Equal(["covid", "19", "don", "t", "snake", "case", "3", "14", "e", "mail"], Plain.Terms("COVID-19 don't snake_case 3.14 e-mail"));
        Assert.Equal(["abcабв"], Plain.Terms("abcабв"));
        Assert.Equal(["smile"], Plain.Terms("😀smile"));
    }

    [Fact]
    public void Keeps_combining_marks_that_are_part_of_the_word()
    {
        Assert.Equal(["हिन्दी", "भाषा"], Plain.Terms("हिन्दी भाषा"));
        Assert.Equal(["שָׁלוֹם"], Plain.Terms("שָׁלוֹם"));
        Assert.Equal(["a"], Plain.Terms("\u0301 a")); // a mark with no letter before it starts nothing
    }

    [Fact]
    public void Han_runs_become_overlapping_bigrams()
    {
        Assert.Equal(["東京", "京都", "都庁"], Porter.Terms("東京都庁"));
        Assert.Equal(["猫"], Porter.Terms("猫"));
        Assert.Equal(["猫", "犬"], Porter.Terms("猫、犬。"));
        Assert.Equal(["𠮷野", "野家"], Porter.Terms("𠮷野家")); // a supplementary Han character is one character
    }

    [Fact]
    public void Japanese_kana_and_han_bigram_together()
    {
        Assert.Equal(["東京", "京に", "に行", "行く"], Plain.Terms("東京に行く"));
        Assert.Equal(["カタ", "タカ", "カナ"], Plain.Terms("カタカナ"));
        Assert.Equal(["ｶﾀ", "ﾀｶ", "ｶﾅ"], Plain.Terms("ｶﾀｶﾅ"));
    }

    [Fact]
    public void Hangul_bigrams_each_word()
    {
        Assert.Equal(["한국", "국어", "처리"], Plain.Terms("한국어 처리"));
    }

    [Fact]
    public void Thai_bigrams_keep_vowel_and_tone_marks_with_their_consonant()
    {
        Assert.Equal(["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"], Plain.Terms("ภาษาไทย"));
        Assert.Equal(["ที่นี่"], Plain.Terms("ที่นี่")); // two characters, each with its marks
    }

    [Fact]
    public void A_script_change_ends_the_run()
    {
        Assert.Equal(["iphone", "手机", "2024", "年东", "东京", "abc", "한국", "ไท", "ทย"],
            Plain.Terms("iPhone手机2024年东京abc한국ไทย"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n")]
    [InlineData("?! -- () ... «» 。、")]
    [InlineData("\u0301\u0302")]
    [InlineData("😀🎉 ™ ©")]
    public void Text_without_words_has_no_terms(string text)
    {
        Assert.Empty(Porter.Terms(text));
        Assert.Empty(Porter.QueryTerms(text));
    }

    [Fact]
    public void Query_terms_are_distinct_in_order_of_first_appearance()
    {
        Assert.Equal(["the", "cat", "and", "cats"], Plain.QueryTerms("The cat and the Cats, the cat"));
        Assert.Equal(["the", "cat", "and"], Porter.QueryTerms("The cat and the Cats, the cat"));
        Assert.Equal(["the", "cat", "and", "the", "cat", "the", "cat"], Porter.Terms("The cat and the Cats, the cat"));
    }

    [Fact]
    public void Terms_joined_by_spaces_come_back_unchanged_through_FTS5s_ascii_tokenizer()
    {
        var texts = AnalyzerTexts.Fixture();
        texts.AddRange(["東京都庁 iPhone手机 한국어 ภาษาไทย हिन्दी שָׁלוֹם"]);
        foreach (var analyzer in new[] { Plain, Porter })
        {
            var terms = texts.Select(t => analyzer.Terms(t)).ToList();
            Assert.All(terms.SelectMany(t => t), term => Assert.DoesNotContain(term, c => c < 0x80 && !char.IsAsciiDigit(c) && !char.IsAsciiLetterLower(c)));
            var retokenized = Fts5Tokens.Tokenize(terms.Select(t => string.Join(' ', t)).ToList(), "ascii");
            for (var i = 0; i < texts.Count; i++) Assert.Equal(terms[i], retokenized[i]);
        }
    }

    [Fact]
    public void For_returns_one_analyzer_per_stemming()
    {
        Assert.Same(Porter, TextAnalyzer.For(KeywordStemming.Porter));
        Assert.Equal(KeywordStemming.None, Plain.Stemming);
        Assert.Throws<ArgumentOutOfRangeException>(() => TextAnalyzer.For((KeywordStemming)7));
    }
}
