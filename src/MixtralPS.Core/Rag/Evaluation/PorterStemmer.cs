namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>
/// Martin Porter's stemmer (1980), after his reference C implementation (with its "bli" → "ble" and "logi" → "log"),
/// which is also what SQLite's porter tokenizer follows. Lower-case ASCII words only; any other word is returned as it is.
/// </summary>
public static class PorterStemmer
{
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length <= 2 || !word.All(c => c is >= 'a' and <= 'z'))
        {
            return word;
        }

        var s = new State(word.ToCharArray());
        s.Step1ab();
        if (s.K > 0)
        {
            s.Step1c();
            s.Step2();
            s.Step3();
            s.Step4();
            s.Step5();
        }

        return new string(s.B, 0, s.K + 1);
    }

    /// <summary>The word being stemmed: B[0..K] is the current stem, J an offset set by Ends.</summary>
    private sealed class State(char[] b)
    {
        public char[] B = b;
        public int K = b.Length - 1;
        private int j;

        private bool Consonant(int i) => B[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' => false,
            'y' => i == 0 || !Consonant(i - 1),
            _ => true,
        };

        /// <summary>The number of vowel-consonant sequences in B[0..J].</summary>
        private int M()
        {
            int n = 0, i = 0;
            while (true)
            {
                if (i > j) return n;
                if (!Consonant(i)) break;
                i++;
            }

            i++;
            while (true)
            {
                while (true)
                {
                    if (i > j) return n;
                    if (Consonant(i)) break;
                    i++;
                }

                i++;
                n++;
                while (true)
                {
                    if (i > j) return n;
                    if (!Consonant(i)) break;
                    i++;
                }

                i++;
            }
        }

        private bool VowelInStem()
        {
            for (var i = 0; i <= j; i++)
            {
                if (!Consonant(i)) return true;
            }

            return false;
        }

        private bool DoubleConsonant(int i) => i >= 1 && B[i] == B[i - 1] && Consonant(i);

        /// <summary>consonant-vowel-consonant ending at i, the last not w, x or y (hop → hope, but not snow).</summary>
        private bool Cvc(int i) => i >= 2 && Consonant(i) && !Consonant(i - 1) && Consonant(i - 2) && B[i] is not ('w' or 'x' or 'y');

        private bool Ends(string suffix)
        {
            var length = suffix.Length;
            if (length > K + 1 || suffix[^1] != B[K] || !B.AsSpan(K - length + 1, length).SequenceEqual(suffix))
            {
                return false;
            }

            j = K - length;
            return true;
        }

        private void SetTo(string suffix)
        {
            if (j + 1 + suffix.Length > B.Length)
            {
                Array.Resize(ref B, j + 1 + suffix.Length);
            }

            suffix.CopyTo(0, B, j + 1, suffix.Length);
            K = j + suffix.Length;
        }

        private void Replace(string suffix)
        {
            if (M() > 0) SetTo(suffix);
        }

        /// <summary>Plurals and -ed or -ing: caresses → caress, ponies → poni, meeting → meet, hopping → hop.</summary>
        public void Step1ab()
        {
            if (B[K] == 's')
            {
                if (Ends("sses")) K -= 2;
                else if (Ends("ies")) SetTo("i");
                else if (B[K - 1] != 's') K--;
            }

            if (Ends("eed"))
            {
                if (M() > 0) K--;
            }
            else if ((Ends("ed") || Ends("ing")) && VowelInStem())
            {
                K = j;
                if (Ends("at")) SetTo("ate");
                else if (Ends("bl")) SetTo("ble");
                else if (Ends("iz")) SetTo("ize");
                else if (DoubleConsonant(K))
                {
                    K--;
                    if (B[K] is 'l' or 's' or 'z') K++;
                }
                else
                {
                    j = K;
                    if (M() == 1 && Cvc(K)) SetTo("e");
                }
            }
        }

        /// <summary>Terminal y to i when another vowel is in the stem.</summary>
        public void Step1c()
        {
            if (Ends("y") && VowelInStem()) B[K] = 'i';
        }

        private static readonly Dictionary<char, (string From, string To)[]> Step2Rules = new()
        {
            ['a'] = [("ational", "ate"), ("tional", "tion")],
            ['c'] = [("enci", "ence"), ("anci", "ance")],
            ['e'] = [("izer", "ize")],
            ['l'] = [("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous")],
            ['o'] = [("ization", "ize"), ("ation", "ate"), ("ator", "ate")],
            ['s'] = [("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous")],
            ['t'] = [("aliti", "al"), ("iviti", "ive"), ("biliti", "ble")],
            ['g'] = [("logi", "log")],
        };

        private static readonly Dictionary<char, (string From, string To)[]> Step3Rules = new()
        {
            ['e'] = [("icate", "ic"), ("ative", ""), ("alize", "al")],
            ['i'] = [("iciti", "ic")],
            ['l'] = [("ical", "ic"), ("ful", "")],
            ['s'] = [("ness", "")],
        };

        private static readonly Dictionary<char, string[]> Step4Suffixes = new()
        {
            ['a'] = ["al"],
            ['c'] = ["ance", "ence"],
            ['e'] = ["er"],
            ['i'] = ["ic"],
            ['l'] = ["able", "ible"],
            ['n'] = ["ant", "ement", "ment", "ent"],
            ['o'] = ["ion", "ou"],
            ['s'] = ["ism"],
            ['t'] = ["ate", "iti"],
            ['u'] = ["ous"],
            ['v'] = ["ive"],
            ['z'] = ["ize"],
        };

        /// <summary>Double suffixes to single ones: relational → relate, digitizer → digitize.</summary>
        public void Step2()
        {
            if (K >= 1) ApplyFirst(Step2Rules, B[K - 1]);
        }

        /// <summary>-ic-, -full, -ness and the like: electrical → electric, hopeful → hope.</summary>
        public void Step3() => ApplyFirst(Step3Rules, B[K]);

        private void ApplyFirst(Dictionary<char, (string From, string To)[]> rules, char key)
        {
            if (!rules.TryGetValue(key, out var list)) return;
            foreach (var (from, to) in list)
            {
                if (Ends(from))
                {
                    Replace(to);
                    return;
                }
            }
        }

        /// <summary>-ant, -ence and the like where the stem is long enough (m > 1): revival → reviv.</summary>
        public void Step4()
        {
            if (K < 1 || !Step4Suffixes.TryGetValue(B[K - 1], out var suffixes)) return;
            foreach (var suffix in suffixes)
            {
                if (Ends(suffix))
                {
                    if (suffix == "ion" && (j < 0 || B[j] is not ('s' or 't'))) return;
                    if (M() > 1) K = j;
                    return;
                }
            }
        }

        /// <summary>A final -e where m > 1 (or m = 1 and not cvc), and -ll to -l where m > 1.</summary>
        public void Step5()
        {
            j = K;
            if (B[K] == 'e')
            {
                var a = M();
                if (a > 1 || (a == 1 && !Cvc(K - 1))) K--;
            }

            if (B[K] == 'l' && DoubleConsonant(K) && M() > 1) K--;
        }
    }
}
