using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Configuration;

namespace MixtralPS.Infrastructure;

/// <summary>A cmdlet that asks a chat model: the -Model it asks (tab-completed from the endpoint) and the chat service.</summary>
public abstract class ChatCmdlet : MixtralApiCmdlet
{
    /// <summary>The chat model; when absent, $env:MIXTRAL_MODEL, else mistral-small-latest.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ChatModelCompleter))]
    public string? Model { get; set; }

    /// <summary>The model asked: -Model, else the environment's default.</summary>
    protected string ChatModel => Model ?? MixtralEnvironment.ChatModel;

    /// <summary>Chat turns through the client, made when the command begins.</summary>
    protected ChatService Chat { get; private set; } = null!;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        Chat = new ChatService(Client);
    }
}
