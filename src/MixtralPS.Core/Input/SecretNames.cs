namespace MixtralPS.Core.Input;

/// <summary>
/// Whether a parameter, variable, field or header name is one whose value is a secret: names ending in Key,
/// Token, Password, Secret or Credential (ApiKey, client_secret, MISTRAL_API_KEY, x-api-key, Pwd).
/// </summary>
internal static class SecretNames
{
    // Distinctive enough to match after any prefix (AccessToken, dbpassword, ClientSecret).
    private static readonly string[] Endings =
        ["password", "passwd", "passphrase", "secret", "secrets", "token", "credential", "credentials", "apikey"];

    // "key" alone is too common a word ending (monkey, hockey) to match after any prefix: these run together.
    private static readonly string[] KeyPrefixes =
        ["api", "access", "secret", "private", "auth", "client", "subscription", "master", "account", "storage", "signing", "encryption", "shared"];

    // Public by design: .NET's strong-name token appears in many error messages.
    private static readonly string[] Public = ["publickeytoken", "publickey"];

    public static bool IsSecret(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        var lower = name.ToLowerInvariant();
        if (Public.Any(p => lower.EndsWith(p, StringComparison.Ordinal)))
        {
            return false;
        }

        if (Endings.Any(e => lower.EndsWith(e, StringComparison.Ordinal)) || lower is "key" or "pwd" or "pass")
        {
            return true;
        }

        if (lower.EndsWith("key", StringComparison.Ordinal))
        {
            var before = name[^4];
            return before is '_' or '-' or '.'
                || (name[^3] == 'K' && (char.IsLower(before) || char.IsDigit(before)))
                || KeyPrefixes.Any(p => lower.EndsWith(p + "key", StringComparison.Ordinal));
        }

        return lower.Length > 4 && lower.EndsWith("pwd", StringComparison.Ordinal) && lower[^4] is '_' or '-' or '.';
    }
}
