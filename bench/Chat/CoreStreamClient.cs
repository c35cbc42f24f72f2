using System.Diagnostics;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Client;
using MixtralPS.Core.Configuration;

namespace MixtralPS.Bench.Chat;

/// <summary>
/// The module's own library without PowerShell: per call a new MistralClient and ChatService, as the cmdlet's
/// BeginProcessing makes them, and the stream awaited directly. Splits the module's overhead into what
/// MixtralPS.Core costs and what the cmdlet and PowerShell add on top.
/// </summary>
internal sealed class CoreStreamClient(Uri endpoint)
{
    private readonly ChatOptions options = new() { Model = MixtralEnvironment.ChatModel };

    public async Task<(StreamSample Sample, string Content)> RunAsync(string question)
    {
        var start = Stopwatch.GetTimestamp();
        long first = 0, last = 0;
        var chunks = 0;
        var chat = new ChatService(new MistralClient(new MistralClientOptions
        {
            Endpoint = endpoint,
            // The cmdlet's defaults (-MaxRetries 3, -TimeoutSec 100), and a log sink like its verbose queue.
            MaxRetries = 3,
            Timeout = TimeSpan.FromSeconds(100),
            Log = _ => { },
        }));
        var messages = ChatService.BuildMessages(null, null, question);
        await foreach (var update in chat.StreamAsync(options, messages).ConfigureAwait(false))
        {
            if (update.Text.Length > 0)
            {
                last = Stopwatch.GetTimestamp();
                if (chunks++ == 0) first = last;
            }

            if (update.Final is { } final)
            {
                return (new StreamSample(start, first, last, Stopwatch.GetTimestamp(), chunks), final.Content);
            }
        }

        throw new InvalidOperationException("the stream ended without a final response");
    }
}
