using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>One way a request body breaks the spec: where (JSON pointer and FastAPI-style loc) and why.</summary>
public sealed record SchemaViolation(string Pointer, string Message, string Type, IReadOnlyList<object> Loc, JsonNode? Input)
{
    public override string ToString() => $"{(Pointer.Length == 0 ? "(root)" : Pointer)}: {Message}";
}
