using MixtralPS.Core.Chat;
using MixtralPS.Core.Input;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tests.Chat;

public sealed class ChatInputPlanTests
{
    private static readonly ChatOptions Options = new() { Model = "m" };

    private static List<PipedItem> Lines(int count, int words = 20) =>
        Enumerable.Range(0, count).Select(i => (PipedItem)new PipedText(string.Join(' ', Enumerable.Repeat($"word{i}", words)))).ToList();

    private static Func<string, CancellationToken, Task<int?>> Knows(int? length, List<string>? asked = null) => (model, _) =>
    {
        asked?.Add(model);
        return Task.FromResult(length);
    };

    [Fact]
    public async Task A_small_request_is_sent_whole_without_asking_the_endpoint()
    {
        var asked = new List<string>();
        var plan = await ChatInputPlan.CreateAsync(Options, [], "Q", Lines(10), InputFormat.Table, null, Knows(1000, asked), default);
        Assert.False(plan.Prompt.WasCut);
        Assert.Empty(asked);
        Assert.Null(plan.CutWarning());
        Assert.Equal(ChatInputPlan.DefaultContextLength, plan.ContextLength);
    }

    [Fact]
    public async Task A_large_request_is_fitted_to_the_model_context_with_room_for_the_answer()
    {
        var asked = new List<string>();
        var items = Lines(5_000);
        var plan = await ChatInputPlan.CreateAsync(Options, [], "Q", items, InputFormat.Table, null, Knows(40_000, asked), default);

        Assert.Equal(["m"], asked);
        Assert.True(plan.ContextKnown);
        Assert.True(plan.Prompt.WasCut);
        Assert.True(plan.RequestTokens + ChatInputPlan.DefaultAnswerTokens <= 40_000);
        Assert.True(plan.RequestTokens + ChatInputPlan.DefaultAnswerTokens > 39_000, $"cut too early: {plan.RequestTokens}");
        var warning = plan.CutWarning()!;
        Assert.Contains($"Sent {plan.Prompt.ItemsSent:N0} of 5,000 piped items", warning);
        Assert.Contains("40,000 tokens the model takes", warning);
        Assert.Contains("-MaxInputTokens", warning);
    }

    [Fact]
    public async Task An_unknown_model_gets_the_default_context_length()
    {
        var plan = await ChatInputPlan.CreateAsync(Options, [], "Q", Lines(5_000), InputFormat.Table, null, Knows(null), default);
        Assert.False(plan.ContextKnown);
        Assert.True(plan.RequestTokens + ChatInputPlan.DefaultAnswerTokens <= ChatInputPlan.DefaultContextLength);
        Assert.Contains("assumed", plan.CutWarning());
    }

    [Fact]
    public async Task MaxTokens_is_the_room_kept_for_the_answer()
    {
        var options = new ChatOptions { Model = "m", MaxTokens = 20_000 };
        var plan = await ChatInputPlan.CreateAsync(options, [], "Q", Lines(5_000), InputFormat.Table, null, Knows(40_000), default);
        Assert.True(plan.RequestTokens + 20_000 <= 40_000);
        Assert.Equal(20_000, plan.AnswerTokens);
    }

    [Fact]
    public async Task MaxInputTokens_caps_the_data_and_the_warning_names_it()
    {
        var plan = await ChatInputPlan.CreateAsync(Options, [], "Q", Lines(100), InputFormat.Table, 300, Knows(null), default);
        Assert.True(plan.Prompt.DataTokens <= 300);
        Assert.True(plan.Prompt.WasCut);
        Assert.Contains("-MaxInputTokens 300", plan.CutWarning());
    }

    [Fact]
    public async Task Earlier_messages_count_against_the_context()
    {
        var history = new List<ChatMessage> { ChatMessage.User(string.Join(' ', Enumerable.Repeat("history", 5_000))) };
        var alone = await ChatInputPlan.CreateAsync(Options, [], "Q", Lines(2_000), InputFormat.Table, null, Knows(40_000), default);
        var after = await ChatInputPlan.CreateAsync(Options, history, "Q", Lines(2_000), InputFormat.Table, null, Knows(40_000), default);
        Assert.True(after.Prompt.ItemsSent < alone.Prompt.ItemsSent);
        Assert.True(after.RequestTokens + ChatInputPlan.DefaultAnswerTokens <= 40_000);
    }

    [Fact]
    public async Task Describe_gives_items_characters_and_tokens()
    {
        var plan = await ChatInputPlan.CreateAsync(Options, [], "Q", Lines(3), InputFormat.Table, null, Knows(null), default);
        Assert.Matches(@"^m: 3 piped items, [\d,]+ characters in the message, about [\d,]+ tokens in the request$", plan.Describe("m"));
    }
}
