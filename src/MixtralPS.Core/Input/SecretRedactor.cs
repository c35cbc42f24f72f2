using System.Text.RegularExpressions;

namespace MixtralPS.Core.Input;

/// <summary>Text with its secret-looking values replaced by <see cref="SecretRedactor.Placeholder"/>, and how many were.</summary>
public readonly record struct RedactedText(string Text, int Count);

/// <summary>
/// Replaces secrets in text that is about to leave the machine: values of parameters, variables, fields and
/// headers named like keys, tokens, passwords, secrets and credentials; Authorization headers and bearer tokens;
/// connection-string passwords; passwords in URLs; and values shaped like API keys, JWTs or long random tokens.
/// Names and quotes stay, so the text still reads (-ApiKey '[REDACTED]'). Redacting twice changes nothing more.
/// </summary>
public static partial class SecretRedactor
{
    public const string Placeholder = "[REDACTED]";

    private const int TimeoutMs = 10_000;

    // A quoted value (its inside is the secret); a quote left open runs to the end of the line, so that text cut
    // short after an opening quote is still covered.
    private const string Quoted = """'(?<value>(?:[^'\r\n]|'')*)(?:'|(?=[\r\n]|$))|"(?<value>(?:[^"\\`\r\n]|[\\`].)*)(?:"|(?=[\r\n]|$))""";

    // A name that ends like a secret's; SecretNames then decides (monkey, PublicKeyToken are let be). Matching the
    // ending in the pattern keeps other names from taking the text a secret's name sits in (https://x/?api_key=).
    private const string SecretName = """(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)(?<=(?i:password|passwd|passphrase|secrets?|token|credentials?|key|pwd|pass))""";

    /// <summary>Words that follow a parameter's name in prose ("when -ApiKey is not given"), not values.</summary>
    private static readonly HashSet<string> ProseWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "is", "are", "was", "and", "or", "the", "a", "an", "to", "of", "in", "on", "with", "for", "not", "as", "at", "when", "if",
        "from", "by", "that", "which", "parameter", "takes", "wins", "overrides", "must", "can", "may", "does", "do", "has", "gives",
    };

    private static readonly Rule[] Rules =
    [
        new(AuthorizationHeader(), (m, _) => m.Groups["scheme"].Success || LooksLikeCredential(m.Groups["value"].Value)),
        new(BearerToken(), (m, _) => m.Groups["value"].Value is var v && (v.Length >= 16 || (v.Length >= 6 && v.Any(char.IsAsciiDigit)))),
        new(UrlPassword(), null),
        new(ConnectionStringPassword(), null),
        new(SecureStringLiteral(), null),
        new(NamedParameter(), (m, _) => SecretNames.IsSecret(m.Groups["name"].Value) && !ProseWords.Contains(m.Groups["value"].Value)),
        new(VariableAssignment(), (m, _) => SecretNames.IsSecret(m.Groups["name"].Value)),
        new(NameValue(), NameValueIsSecret),
        new(KeyShape(), null),
        new(PrivateKeyBlock(), null),
        new(LongToken(), (m, _) => RandomTokens.LooksRandom(m.Groups["value"].ValueSpan)),
        new(CutToken(), (m, _) => RandomTokens.LooksRandom(m.Groups["value"].ValueSpan, RandomTokens.MinCutLength)),
    ];

    /// <summary>Replaces every secret-looking value; never throws.</summary>
    public static RedactedText Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new RedactedText(text ?? "", 0);
        }

        try
        {
            var count = 0;
            foreach (var rule in Rules)
            {
                text = rule.Apply(text, ref count);
            }

            return new RedactedText(text, count);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Text that cannot be checked (too pathological to finish in time) is not sent at all.
            return new RedactedText(Placeholder, 1);
        }
    }

    /// <summary>An Authorization value without a scheme word: redacted when it is no plain word ("Authorization: denied").</summary>
    private static bool LooksLikeCredential(string value) => value.Length >= 8 && value.Any(c => !char.IsLetter(c));

    /// <summary>
    /// name=value anywhere; "name": value only where it reads as a field or header (quoted name, start of a line or
    /// of a quoted string), so that prose such as "invalid token: expired" keeps its words.
    /// </summary>
    private static bool NameValueIsSecret(Match match, string text)
    {
        if (!SecretNames.IsSecret(match.Groups["name"].Value))
        {
            return false;
        }

        var value = match.Groups["value"];
        var quotedValue = value.Index > 0 && text[value.Index - 1] is '\'' or '"';
        if (!quotedValue && (IsCode(value, text) || ProseWords.Contains(value.Value)))
        {
            return false;
        }

        if (match.Groups["name"].Value.Equals("key", StringComparison.OrdinalIgnoreCase) && !LooksLikeKey(value.Value))
        {
            // "key" alone names a column or a dictionary entry as often as a secret: WHERE key='generation'.
            return false;
        }

        if (match.Groups["sep"].Value != ":" || quotedValue || match.Groups["q"].Length > 0)
        {
            return true;
        }

        var i = match.Index - 1;
        while (i >= 0 && text[i] is ' ' or '\t')
        {
            i--;
        }

        return i < 0 || text[i] is '\n' or '\r' || (i == match.Index - 1 && text[i] is '\'' or '"');
    }

    /// <summary>
    /// A bare value that reads as code rather than a literal: a keyword, a member access, or a name followed by a call,
    /// an index or the end of an argument or statement (var token = tokens[i]; ApiKey = Key, ...; token = default).
    /// Piped diffs and source files are full of these, and a secret written in code is quoted.
    /// </summary>
    private static bool IsCode(Group value, string text)
    {
        if (CodeKeywords.Contains(value.Value) || value.ValueSpan.IndexOf('.') is > 0 and var dot && dot < value.Length - 1)
        {
            return true;
        }

        var after = value.Index + value.Length;
        while (after < text.Length && text[after] is ' ' or '\t')
        {
            after++;
        }

        return after < text.Length && text[after] is '(' or '[' or '.' or ';' or ',' or ')' or '}';
    }

    private static readonly HashSet<string> CodeKeywords = new(StringComparer.Ordinal)
    {
        "default", "null", "true", "false", "this", "new", "none", "None", "nil", "undefined", "await", "base", "self", "value", "Nothing",
    };

    /// <summary>A value that could be a key rather than a word: long, or mixing letters with digits.</summary>
    private static bool LooksLikeKey(string value) =>
        value.Length >= 16 || (value.Length >= 8 && value.Any(char.IsAsciiDigit) && value.Any(char.IsAsciiLetter));

    /// <summary>Documentation's stand-ins for a secret (&lt;your key&gt;, ***, ...) are no secret.</summary>
    private static bool IsPlaceholder(ReadOnlySpan<char> value) =>
        (value[0] == '<' && value.Contains('>'))
        || (value.Length is >= 3 and <= 40 && value.IndexOfAnyExcept("*x.…") < 0)
        || value.Contains("your", StringComparison.OrdinalIgnoreCase);

    private sealed record Rule(Regex Pattern, Func<Match, string, bool>? Accept)
    {
        /// <summary>
        /// Replaces the value group of each accepted match; variables ($key) and empty values stay. After a match
        /// that is let be, the search goes on inside its value, where a secret may sit (-ArgumentList "-ApiKey abc").
        /// </summary>
        public string Apply(string text, ref int count)
        {
            System.Text.StringBuilder? result = null;
            var copied = 0;
            var at = 0;
            while (at <= text.Length)
            {
                var m = Pattern.Match(text, at);
                if (!m.Success)
                {
                    break;
                }

                var value = m.Groups["value"];
                if (!value.Success || value.Length == 0 || value.ValueSpan.SequenceEqual(Placeholder)
                    || value.ValueSpan[0] == '$' || IsPlaceholder(value.ValueSpan) || (Accept is not null && !Accept(m, text)))
                {
                    at = Math.Max(m.Index + 1, value.Success ? value.Index : 0);
                    continue;
                }

                result ??= new System.Text.StringBuilder(text.Length);
                result.Append(text, copied, value.Index - copied).Append(Placeholder);
                copied = value.Index + value.Length;
                at = Math.Max(m.Index + m.Length, m.Index + 1);
                count++;
            }

            return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
        }
    }

    private const RegexOptions Options = RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant;

    [GeneratedRegex("""(?<![\w-])(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:(?<scheme>bearer|basic|token|digest|negotiate|ntlm|apikey|sharedkey|sso-key)\s+)?(?<value>[^\s'"`,;}]+)""",
        Options | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex("""(?<![\w-])bearer\s+(?<value>[A-Za-z0-9\-._~+/]+=*)""", Options | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex BearerToken();

    [GeneratedRegex("""\b[a-z][a-z0-9+.\-]{0,30}://[^\s:/@'"]*:(?<value>[^\s@/'"]+)@""", Options | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex UrlPassword();

    // Password=...; in a connection string: the value runs to the semicolon, spaces and all.
    [GeneratedRegex("""(?<![\w.\-$])(?:password|pwd)\s*=\s*(?![='"$\s])(?<value>[^;'"\r\n]*[^;'"\s])""", Options | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex("""convertto-securestring(?:\s+-(?:asplaintext|force)(?::\$\w+)?)*\s+(?:-string(?::\s*|\s+))?(?:""" + Quoted + ")",
        Options | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex SecureStringLiteral();

    // -ApiKey abc, -Token:'abc', --api-key=abc; a value that is a variable or an expression is no secret itself, nor
    // is the ellipsis PowerShell puts where it cut a line.
    [GeneratedRegex("""(?<![\w-])--?""" + SecretName + """(?:[:=][ \t]*|[ \t]+)(?:""" + Quoted + """|(?<value>[^\s'"`;|,(){}\[\]$@\-#=…][^\s'"`;|,(){}]*))""",
        Options, TimeoutMs)]
    private static partial Regex NamedParameter();

    // $env:MISTRAL_API_KEY = '...', $apiKey = "...": only quoted values (a bare word there is a command).
    [GeneratedRegex("""\$\{?(?:env:)?""" + SecretName + """\}?[ \t]*=[ \t]*(?:""" + Quoted + ")", Options | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex VariableAssignment();

    // api_key=abc, "password": "abc", @{ Token = 'abc' }, X-Api-Key: abc.
    [GeneratedRegex("""(?<![\w.\-$:@])(?<q>["']?)""" + SecretName + """\k<q>[ \t]*(?<sep>[=:])[ \t]*(?:""" + Quoted + """|(?<value>[^\s'"`;&,<>(){}\[\]|$=…][^\s'"`;&,<>(){}\[\]|]*))""",
        Options, TimeoutMs)]
    private static partial Regex NameValue();

    [GeneratedRegex("""
        (?<![\w\-])(?<value>
            sk-[A-Za-z0-9_\-]{16,}
          | (?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}
          | gh[pousr]_[A-Za-z0-9]{30,}
          | github_pat_[A-Za-z0-9_]{22,}
          | (?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])
          | xox[abposr]-[A-Za-z0-9\-]{10,}
          | AIza[0-9A-Za-z_\-]{35}
          | eyJ[A-Za-z0-9_\-]{4,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*
        )
        """, Options | RegexOptions.IgnorePatternWhitespace, TimeoutMs)]
    private static partial Regex KeyShape();

    [GeneratedRegex("""-----BEGIN[A-Z ]{0,30}PRIVATE KEY-----(?<value>(?:[^-]|-(?!----))*)(?=-----END)""", Options, TimeoutMs)]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex("""(?<![A-Za-z0-9_\-])(?<value>[A-Za-z0-9_\-]{32,})(?![A-Za-z0-9_\-])""", Options, TimeoutMs)]
    private static partial Regex LongToken();

    // PowerShell cuts long lines in position messages with an ellipsis, maybe through a key: what is left of it
    // beside the ellipsis is too short for LongToken.
    [GeneratedRegex("""(?<![A-Za-z0-9_\-])(?<value>[A-Za-z0-9_\-]{8,})(?=[ ]?…)|(?<=…[ ]?)(?<value>[A-Za-z0-9_\-]{8,})(?![A-Za-z0-9_\-])""", Options, TimeoutMs)]
    private static partial Regex CutToken();
}
