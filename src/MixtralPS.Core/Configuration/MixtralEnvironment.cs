namespace MixtralPS.Core.Configuration;

/// <summary>The environment variables the module reads, and the defaults behind them.</summary>
public static class MixtralEnvironment
{
    public const string ApiKeyVariable = "MISTRAL_API_KEY";
    public const string EndpointVariable = "MISTRAL_ENDPOINT";
    public const string ChatModelVariable = "MIXTRAL_MODEL";
    public const string EmbeddingModelVariable = "MIXTRAL_EMBED_MODEL";

    /// <summary>The folder of the module's own data (the chat log); overrides the platform's data folder.</summary>
    public const string HomeVariable = "MIXTRALPS_HOME";

    /// <summary>The XDG base directory for user data, honoured on every platform where it is set.</summary>
    public const string XdgDataHomeVariable = "XDG_DATA_HOME";

    /// <summary>open-mixtral-8x22b was retired on 2025-03-30; the API names this as its replacement.</summary>
    public const string DefaultChatModel = "mistral-small-latest";

    public static string? ApiKey => Read(ApiKeyVariable);

    public static string Endpoint => Read(EndpointVariable) ?? Client.MistralClientOptions.DefaultEndpoint;

    public static string ChatModel => Read(ChatModelVariable) ?? DefaultChatModel;

    public static string? EmbeddingModel => Read(EmbeddingModelVariable);

    /// <summary>
    /// Where the module keeps what it saves (the chat log): MIXTRALPS_HOME, else $XDG_DATA_HOME/MixtralPS, else the
    /// platform's per-user data folder (LocalApplicationData on Windows, Application Support on macOS, ~/.local/share).
    /// </summary>
    public static string DataFolder
    {
        get
        {
            if (Read(HomeVariable) is { } home)
            {
                return Path.GetFullPath(home);
            }

            if (Read(XdgDataHomeVariable) is { } xdg)
            {
                return Path.Combine(Path.GetFullPath(xdg), "MixtralPS");
            }

            var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "MixtralPS")
                : OperatingSystem.IsMacOS() ? Path.Combine(profile, "Library", "Application Support", "MixtralPS")
                : Path.Combine(profile, ".local", "share", "MixtralPS");
        }
    }

    private static string? Read(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
