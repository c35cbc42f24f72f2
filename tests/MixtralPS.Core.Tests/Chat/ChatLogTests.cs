using Microsoft.Data.Sqlite;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Chat.Log;
using MixtralPS.Core.Configuration;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;

namespace MixtralPS.Core.Tests.Chat;

public sealed class ChatLogTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "mixtralps-chatlog-" + Guid.NewGuid().ToString("N"));

    private string LogPath => Path.Combine(folder, "nested", ChatLog.FileName);

    public void Dispose()
    {
        ChatLog.ReleaseFiles();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ChatResponse Answer(string answer, params ChatMessage[] before) => new()
    {
        Content = answer,
        Model = "mistral-small-latest",
        FinishReason = "stop",
        Usage = new UsageInfo { PromptTokens = 12, CompletionTokens = 5, TotalTokens = 17 },
        History = [.. before, ChatMessage.Assistant(answer)],
    };

    [Fact]
    public void Saves_an_exchange_and_finds_it_with_everything_recorded()
    {
        using (var log = ChatLog.Open(LogPath))
        {
            var saved = log.Append(Answer("Dense fur.", ChatMessage.System("Be brief."), ChatMessage.User("How do otters keep warm?")),
                TimeSpan.FromMilliseconds(1234.4), "api.mistral.ai");
            Assert.Equal(1, saved.Ordinal);
        }

        using var reopened = ChatLog.OpenExisting(LogPath)!;
        var entry = Assert.Single(reopened.Find());
        Assert.Equal("How do otters keep warm?", entry.Prompt);
        Assert.Equal("Dense fur.", entry.Answer);
        Assert.Equal("mistral-small-latest", entry.Model);
        Assert.Equal("api.mistral.ai", entry.Endpoint);
        Assert.Equal((12, 5), (entry.PromptTokens, entry.CompletionTokens));
        Assert.Equal(1234, entry.Duration.TotalMilliseconds);
        Assert.Equal("stop", entry.FinishReason);
        Assert.Empty(entry.ToolCalls);
        Assert.Equal(["system", "user", "assistant"], reopened.History(entry.ConversationId)!.Select(m => m.Role));
    }

    [Fact]
    public void Reading_a_log_that_does_not_exist_creates_nothing()
    {
        Assert.Null(ChatLog.OpenExisting(LogPath));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Continuing_adds_only_the_new_messages_and_rebuilds_the_whole_conversation()
    {
        using var log = ChatLog.Open(LogPath);
        var first = log.Append(Answer("Blue, green, grey.", ChatMessage.User("Colours of the sea?")), TimeSpan.Zero, null);
        var history = log.History(first.ConversationId)!;
        var second = log.Append(Answer("Bleu, vert, gris.", [.. history, ChatMessage.User("In French?")]), TimeSpan.Zero, null, first.ConversationId);

        Assert.Equal(first.ConversationId, second.ConversationId);
        Assert.Equal(2, second.Ordinal);
        Assert.Equal(first.ConversationId, log.LastConversationId());
        Assert.Equal(
            ["Colours of the sea?", "Blue, green, grey.", "In French?", "Bleu, vert, gris."],
            log.History(first.ConversationId)!.Select(m => m.Content));
        Assert.Equal([2, 1], log.Find(conversationId: first.ConversationId).Select(e => e.Ordinal));
    }

    [Fact]
    public void A_history_that_no_longer_begins_with_the_saved_messages_becomes_a_new_conversation()
    {
        using var log = ChatLog.Open(LogPath);
        var first = log.Append(Answer("Hi.", ChatMessage.System("Be brief."), ChatMessage.User("Hello")), TimeSpan.Zero, null);
        var forked = log.Append(Answer("Hello there!", ChatMessage.System("Be verbose."), ChatMessage.User("Hello"), ChatMessage.Assistant("Hi."), ChatMessage.User("Again")),
            TimeSpan.Zero, null, first.ConversationId);
        var unknown = log.Append(Answer("Yes.", ChatMessage.User("Anyone?")), TimeSpan.Zero, null, conversationId: 999);

        Assert.NotEqual(first.ConversationId, forked.ConversationId);
        Assert.Equal(1, forked.Ordinal);
        Assert.Equal(5, log.History(forked.ConversationId)!.Count);
        Assert.NotEqual(999, unknown.ConversationId);
        Assert.Null(log.History(999));
    }

    [Fact]
    public void Tool_calls_are_saved_as_json_and_the_assistant_calls_are_kept_to_continue()
    {
        var call = new ToolCall { Id = "call-1", Function = new FunctionCall { Name = "Get-Answer", Arguments = """{"Question":"life"}""" } };
        var response = new ChatResponse
        {
            Content = "42.",
            Model = "m",
            History = [ChatMessage.User("Answer?"), ChatMessage.Assistant(null, [call]), ChatMessage.ToolResult("call-1", "Get-Answer", "42"), ChatMessage.Assistant("42.")],
            ToolRuns = [new ToolRun { Round = 1, Call = ToolCallRequest.From(call), Outcome = ToolOutcomeKind.Succeeded, Content = "42" }],
        };

        using var log = ChatLog.Open(LogPath);
        var entry = log.Append(response, TimeSpan.Zero, null);
        Assert.Equal(["""Get-Answer({"Question":"life"}) -> Succeeded"""], log.Find().Single().ToolCalls);
        Assert.Contains("\"round\":1", entry.ToolCallsJson);
        var rebuilt = log.History(entry.ConversationId)!;
        Assert.Equal("Get-Answer", Assert.Single(rebuilt[1].ToolCalls!).Function.Name);
        Assert.Equal(("call-1", "Get-Answer"), (rebuilt[2].ToolCallId, rebuilt[2].Name));
    }

    [Fact]
    public void The_redactor_scrubs_the_key_from_every_text_written()
    {
        const string key = "sk-test-5d1f0c9a7e3b42";
        var call = new ToolCall { Id = "c", Function = new FunctionCall { Name = "Use-Key", Arguments = $$"""{"Key":"{{key}}"}""" } };
        var response = new ChatResponse
        {
            Content = $"Your key is {key}.",
            Model = "m",
            History = [ChatMessage.User($"Keep {key}"), ChatMessage.Assistant(null, [call]), ChatMessage.ToolResult("c", "Use-Key", key), ChatMessage.Assistant($"Your key is {key}.")],
            ToolRuns = [new ToolRun { Round = 1, Call = ToolCallRequest.From(call), Content = key }],
        };

        using (var log = ChatLog.Open(LogPath))
        {
            log.Append(response, TimeSpan.Zero, "host", redact: text => text.Replace(key, "***", StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(LogPath)!))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.DoesNotContain(key, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Search_matches_every_word_by_stem_newest_first_and_takes_syntax_as_words()
    {
        using var log = ChatLog.Open(LogPath);
        foreach (var prompt in new[] { "How do sea otters keep warm?", "Bake bread", "Which otter lives in rivers?", "Quote \"this\" AND (that) NEAR" })
        {
            log.Append(Answer("Noted.", ChatMessage.User(prompt)), TimeSpan.Zero, null);
        }

        Assert.Equal(["Which otter lives in rivers?", "How do sea otters keep warm?"], log.Find("Otter").Select(e => e.Prompt));
        Assert.Equal(["Which otter lives in rivers?"], log.Find("otters river").Select(e => e.Prompt));
        Assert.Equal(4, log.Find("noted").Count);
        Assert.Single(log.Find("\"this\" AND (that"));
        Assert.Empty(log.Find("*:("));
        Assert.Equal(["Quote \"this\" AND (that) NEAR", "Which otter lives in rivers?"], log.Find(last: 2).Select(e => e.Prompt));
    }

    [Fact]
    public void Removing_a_conversation_removes_its_exchanges_messages_and_search_entries()
    {
        using var log = ChatLog.Open(LogPath);
        var kept = log.Append(Answer("A.", ChatMessage.User("keep otters")), TimeSpan.Zero, null);
        var gone = log.Append(Answer("B.", ChatMessage.User("remove otters")), TimeSpan.Zero, null);

        Assert.Equal(1, log.Conversation(gone.ConversationId)!.Exchanges);
        Assert.True(log.Remove(gone.ConversationId));
        Assert.False(log.Remove(gone.ConversationId));
        Assert.Null(log.History(gone.ConversationId));
        Assert.Equal([kept.ConversationId], log.Find("otters").Select(e => e.ConversationId));
        Assert.Equal([kept.ConversationId], log.ConversationIds());
    }

    [Fact]
    public async Task Parallel_writers_on_their_own_connections_lose_no_exchange()
    {
        const int writers = 4, each = 25;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            long? conversation = null;
            for (var i = 0; i < each; i++)
            {
                // Each writer opens the log anew for every exchange, as the cmdlet does.
                using var log = ChatLog.Open(LogPath);
                var history = conversation is { } id ? log.History(id)! : [];
                conversation = log.Append(Answer($"answer {w}-{i}", [.. history, ChatMessage.User($"prompt {w}-{i}")]), TimeSpan.Zero, null, conversation).ConversationId;
            }
        })));

        using var check = ChatLog.Open(LogPath);
        var entries = check.Find();
        Assert.Equal(writers * each, entries.Count);
        Assert.Equal(writers, entries.Select(e => e.ConversationId).Distinct().Count());
        Assert.All(entries.GroupBy(e => e.ConversationId), g => Assert.Equal(Enumerable.Range(1, each), g.Select(e => e.Ordinal).Order()));
    }

    [Fact]
    public void A_log_of_a_newer_schema_is_refused()
    {
        using (var log = ChatLog.Open(LogPath))
        {
        }

        using (var connection = new SqliteConnection($"Data Source={LogPath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version={ChatLog.SchemaVersion + 1}";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<ChatLogException>(() => ChatLog.Open(LogPath));
        Assert.Contains("newer MixtralPS", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_a_clear_error()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        File.WriteAllText(LogPath, new string('x', 4096));
        var error = Assert.Throws<ChatLogException>(() => ChatLog.Open(LogPath));
        Assert.Contains(LogPath, error.Message);
    }

    [Fact]
    public void The_data_folder_is_MIXTRALPS_HOME_else_XDG_DATA_HOME_else_the_platforms()
    {
        var saved = (Environment.GetEnvironmentVariable(MixtralEnvironment.HomeVariable), Environment.GetEnvironmentVariable(MixtralEnvironment.XdgDataHomeVariable));
        try
        {
            Environment.SetEnvironmentVariable(MixtralEnvironment.HomeVariable, Path.Combine(folder, "home"));
            Environment.SetEnvironmentVariable(MixtralEnvironment.XdgDataHomeVariable, Path.Combine(folder, "xdg"));
            Assert.Equal(Path.Combine(folder, "home", ChatLog.FileName), ChatLog.DefaultPath);

            Environment.SetEnvironmentVariable(MixtralEnvironment.HomeVariable, " ");
            Assert.Equal(Path.Combine(folder, "xdg", "MixtralPS"), MixtralEnvironment.DataFolder);

            Environment.SetEnvironmentVariable(MixtralEnvironment.XdgDataHomeVariable, null);
            Assert.EndsWith("MixtralPS", MixtralEnvironment.DataFolder);
            Assert.True(Path.IsPathRooted(MixtralEnvironment.DataFolder));
            if (OperatingSystem.IsLinux())
            {
                Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "MixtralPS"), MixtralEnvironment.DataFolder);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(MixtralEnvironment.HomeVariable, saved.Item1);
            Environment.SetEnvironmentVariable(MixtralEnvironment.XdgDataHomeVariable, saved.Item2);
        }
    }
}
