using System.Runtime.InteropServices;
using MixtralPS.TestServer;

// Out-of-process entry point for Pester: prints the address line, then serves until stdin closes or a signal arrives.
string? spec = null;
var watchStdin = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--spec" when i + 1 < args.Length: spec = args[++i]; break;
        case "--no-stdin": watchStdin = false; break; // for launchers whose stdin is /dev/null
        default:
            Console.Error.WriteLine($"usage: MixtralPS.TestServer [--spec PATH] [--no-stdin] (unknown argument '{args[i]}')");
            return 2;
    }
}

MockMistralServer server;
try
{
    server = await MockMistralServer.StartAsync(spec);
}
catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or YamlDotNet.Core.YamlException)
{
    Console.Error.WriteLine($"MixtralPS.TestServer: {ex.Message}");
    return 1;
}

using var stop = CancellationTokenSource.CreateLinkedTokenSource(server.Stopping);
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });

Console.Out.WriteLine($"MIXTRAL_TEST_SERVER {server.BaseAddress}");
Console.Out.Flush();

if (watchStdin)
{
    // The parent closing our stdin (or dying) is the signal to exit, so no orphan servers survive a test run.
    _ = Task.Run(async () =>
    {
        try { await Console.OpenStandardInput().CopyToAsync(Stream.Null, stop.Token); }
        catch (OperationCanceledException) { }
        stop.Cancel();
    });
}

try { await Task.Delay(Timeout.Infinite, stop.Token); }
catch (OperationCanceledException) { }
await server.DisposeAsync();
return 0;
