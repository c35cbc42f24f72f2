namespace MixtralPS.Chat;

/// <summary>Whether Invoke-MixtralChat saves chats to the chat log ($MixtralChatLogPreference).</summary>
public enum ChatLogPreference
{
    Enabled,
    Disabled,
}

/// <summary>The names under which the chat log is configured in a session.</summary>
internal static class ChatLogSettings
{
    /// <summary>Set to 'Disabled' to save no chat, as -NoLog does for one command.</summary>
    public const string PreferenceVariable = "MixtralChatLogPreference";
}
