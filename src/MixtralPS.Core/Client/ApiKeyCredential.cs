namespace MixtralPS.Core.Client;

/// <summary>
/// An API key that never shows itself: ToString, debuggers and serialisers see a mask, and
/// <see cref="Redact"/> scrubs it from any text that came back from a server.
/// </summary>
public sealed class ApiKeyCredential
{
    private readonly string key;

    public ApiKeyCredential(string key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("An API key cannot be empty.", nameof(key));
        }

        this.key = key.Trim();
    }

    internal string AuthorizationValue => "Bearer " + key;

    /// <summary>Replaces every occurrence of the key in <paramref name="text"/> with a mask.</summary>
    public string Redact(string text) =>
        string.IsNullOrEmpty(text) ? text : text.Replace(key, "***", StringComparison.Ordinal);

    public override string ToString() => "***";
}
