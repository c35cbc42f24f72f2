using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MixtralPS.Bench.Chat;

/// <summary>
/// The mock Mistral server in a process of its own, so its allocations, GC pauses and thread pool are not
/// mixed into the clients being timed (the machine's cores are still shared). Scripted over its /_test/* API.
/// </summary>
internal sealed class TestServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient control;

    private TestServerProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
        control = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public static async Task<TestServerProcess> StartAsync(string serverDll)
    {
        var start = new ProcessStartInfo(DotnetHost.Dotnet())
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardInput = true, // the server exits when we close its stdin, so it never outlives us
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the test server did not start");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"the test server exited before announcing its address: {errors}");
                const string Prefix = "MIXTRAL_TEST_SERVER ";
                if (line.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    // Its later stdout is not read; it prints nothing more, so the pipe cannot fill.
                    return new TestServerProcess(process, new Uri(line[Prefix.Length..].Trim()));
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Forgets earlier requests and queued replies, then answers every chat request with the scenario.</summary>
    public async Task ScriptAsync(ChatScenario scenario)
    {
        (await control.PostAsync("_test/reset", null)).EnsureSuccessStatusCode();
        (await control.PostAsJsonAsync("_test/replies", scenario.ToScriptedReply())).EnsureSuccessStatusCode();
    }

    /// <summary>The bodies of the /v1/* requests seen since the last reset, and their schema violations.</summary>
    public async Task<IReadOnlyList<(string Body, int Violations)>> RequestsAsync()
    {
        var list = await control.GetFromJsonAsync<JsonArray>("_test/requests") ?? [];
        return list.Select(r => (r!["body"]!.GetValue<string>(), r["violations"]!.AsArray().Count)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        control.Dispose();
        try
        {
            process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }
}
