namespace MixtralPS.TestServer;

/// <summary>A request the server saw on /v1/*, as recorded for assertions.</summary>
public sealed record ReceivedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    IReadOnlyList<string> Violations);
