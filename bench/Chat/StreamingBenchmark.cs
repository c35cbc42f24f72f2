namespace MixtralPS.Bench.Chat;

/// <summary>Everything measured in one scenario.</summary>
internal sealed record ScenarioResult(ChatScenario Scenario, StreamSeries Bare, StreamSeries Core, StreamSeries Module, Stats Floor, int RequestBodyBytes)
{
    public IEnumerable<StreamSeries> All => [Bare, Core, Module];
    public double TtftOverheadMs => Module.Ttft.Median - Bare.Ttft.Median;
    public double TotalOverheadMs => Module.Total.Median - Bare.Total.Median;
}

/// <summary>
/// The bare client, the module's Core library and the cmdlet, side by side against the same server and answer:
/// interleaved in rotating order, so drift in the machine (other load, CPU clock, server warm-up) hits all alike.
/// </summary>
internal sealed class StreamingBenchmark(TestServerProcess server, ModuleStreamRunner module, int warmup, int iterations)
{
    private sealed record Client(string Name, Func<(StreamSample Sample, string Content)> Run);

    public async Task<ScenarioResult> RunAsync(ChatScenario scenario, Action<string> progress)
    {
        await server.ScriptAsync(scenario);

        // The module's first request gives the exact body the bare client then replays, byte for byte;
        // the Core client builds its own, which must come out the same.
        Check(module.Run(server.BaseAddress, ChatScenario.Question), scenario, "Invoke-MixtralChat");
        var core = new CoreStreamClient(server.BaseAddress);
        Check(core.RunAsync(ChatScenario.Question).GetAwaiter().GetResult(), scenario, "MixtralPS.Core");
        var requests = await server.RequestsAsync();
        if (requests.Count != 2) throw new InvalidOperationException($"the server saw {requests.Count} requests for two calls");
        var (body, violations) = requests[0];
        if (violations > 0) throw new InvalidOperationException($"the server found {violations} schema violation(s) in the module's request: {body}");
        if (requests[1].Body != body) throw new InvalidOperationException($"MixtralPS.Core sent a different body than the cmdlet: {requests[1].Body} vs {body}");
        using var bare = new BareHttpStreamClient(server.BaseAddress, body);

        Client[] clients =
        [
            new("HttpClient", () => bare.RunAsync().GetAwaiter().GetResult()),
            new("MixtralPS.Core", () => core.RunAsync(ChatScenario.Question).GetAwaiter().GetResult()),
            new("Invoke-MixtralChat", () => module.Run(server.BaseAddress, ChatScenario.Question)),
        ];
        var samples = clients.Select(_ => new List<StreamSample>(iterations)).ToArray();
        var floor = new List<double>(iterations);

        progress($"{scenario.Name}: warm-up x{warmup}");
        for (var i = 0; i < warmup; i++) Iterate(i, clients, scenario, null, null);

        progress($"{scenario.Name}: measuring x{iterations}");
        for (var i = 0; i < iterations; i++) Iterate(i, clients, scenario, samples, floor);

        var seen = (await server.RequestsAsync()).Count;
        var expected = 2 + clients.Length * (warmup + iterations);
        if (seen != expected) throw new InvalidOperationException($"the server saw {seen} chat requests, expected {expected} (a retry?)");

        return new ScenarioResult(scenario,
            new StreamSeries(clients[0].Name, samples[0]),
            new StreamSeries(clients[1].Name, samples[1]),
            new StreamSeries(clients[2].Name, samples[2]),
            Stats.Of(floor), System.Text.Encoding.UTF8.GetByteCount(body));
    }

    private void Iterate(int i, Client[] clients, ChatScenario scenario, List<StreamSample>[]? samples, List<double>? floor)
    {
        // Rotating who goes first spreads any "runs right after another request" effect over all clients.
        for (var k = 0; k < clients.Length; k++)
        {
            var j = (i + k) % clients.Length;
            var sample = Check(clients[j].Run(), scenario, clients[j].Name);
            samples?[j].Add(sample);
        }

        var f = module.RunFloor(ChatScenario.Question);
        floor?.Add(f);
    }

    private static StreamSample Check((StreamSample Sample, string Content) run, ChatScenario scenario, string who)
    {
        if (run.Content != scenario.Content) throw new InvalidOperationException($"{who} received a different answer than scripted: '{run.Content}'");
        return run.Sample.Chunks == scenario.Tokens
            ? run.Sample
            : throw new InvalidOperationException($"{who} saw {run.Sample.Chunks} content chunks, expected {scenario.Tokens}");
    }
}
