using System.Text.Json.Nodes;
using Json.Pointer;
using Json.Schema;

namespace MixtralPS.TestServer;

/// <summary>Turns JSON Schema's hierarchical output into the errors a person would report, much as pydantic
/// reports a discriminated union: only failing nodes are followed, and in a failing oneOf/anyOf the branches
/// that never applied (wrong "role"/"type" const, or wrong JSON type) are dropped when another branch did apply.</summary>
internal static class ViolationFilter
{
    private sealed record Error(string Instance, string EvalPath, string Keyword, string Message);

    public static IReadOnlyList<SchemaViolation> Select(EvaluationResults root, JsonNode? body)
    {
        var errors = new List<Error>();
        Collect(root, errors);
        return errors
            .GroupBy(e => e.Instance)
            .Select(g => Build(g.Key, g.ToList(), body))
            .ToList();
    }

    private static void Collect(EvaluationResults node, List<Error> errors)
    {
        if (node.IsValid) return;
        var failing = (node.HasDetails ? node.Details : []).Where(d => !d.IsValid).ToList();
        var branches = failing.Where(IsBranch).ToList();
        if (branches.Count > 1)
        {
            var depth = Depth(node.InstanceLocation.ToString());
            var applicable = branches.Where(b => !NeverApplied(b, depth)).ToList();
            if (applicable.Count > 0) failing = failing.Except(branches.Except(applicable)).ToList();
        }

        var before = errors.Count;
        foreach (var child in failing) Collect(child, errors);
        // A combinator's own summary ("expected 1 matching subschema") only helps when nothing more precise was found.
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            if (errors.Count > before && keyword is "oneOf" or "anyOf" or "allOf" or "$ref") continue;
            errors.Add(new Error(node.InstanceLocation.ToString(), node.EvaluationPath.ToString(), keyword, message));
        }
    }

    private static bool IsBranch(EvaluationResults node)
    {
        var parts = node.EvaluationPath.ToString().Split('/');
        return parts.Length >= 2 && parts[^2] is "oneOf" or "anyOf" && int.TryParse(parts[^1], out _);
    }

    // A branch never applied when the value has another JSON type, or its discriminator property (role/type) differs.
    private static bool NeverApplied(EvaluationResults branch, int depth)
    {
        foreach (var n in Flatten(branch))
        {
            if (n.Errors is null) continue;
            var d = Depth(n.InstanceLocation.ToString());
            if ((n.Errors.ContainsKey("type") && d == depth) || (n.Errors.ContainsKey("const") && d <= depth + 1)) return true;
        }
        return false;
    }

    private static IEnumerable<EvaluationResults> Flatten(EvaluationResults node) =>
        new[] { node }.Concat(node.HasDetails ? node.Details.Where(d => !d.IsValid).SelectMany(Flatten) : []);

    private static int Depth(string pointer) => pointer.Count(c => c == '/');

    // JsonSchema.Net quotes JSON values inside quotes ("\u0022system\u0022"); show them once.
    private static string Tidy(string message) => message.Replace("\"\\u0022", "\"").Replace("\\u0022\"", "\"").Replace("\\u0022", "\"");

    private static SchemaViolation Build(string pointer, List<Error> errors, JsonNode? body)
    {
        var loc = new List<object> { "body" };
        var parsed = JsonPointer.Parse(pointer);
        foreach (var segment in parsed)
            loc.Add(int.TryParse(segment, out var i) ? i : segment);
        var input = parsed.TryEvaluate(body, out var found) ? found?.DeepClone() : null;

        // additionalProperties: false shows up as a failing "false" schema at .../additionalProperties, keyword "".
        var extra = errors.Any(e => e.EvalPath.EndsWith("/additionalProperties", StringComparison.Ordinal) || e.Keyword == "additionalProperties");
        var message = string.Join("; ", errors.Select(e => extra && e.Keyword is "" or "false" or "additionalProperties"
            ? "Extra inputs are not permitted (property not declared in the schema)"
            : $"{e.Keyword}: {Tidy(e.Message)}").Distinct());
        var type = extra ? "extra_forbidden" : errors.Any(e => e.Keyword == "required") ? "missing" : "value_error";
        return new SchemaViolation(pointer, message, type, loc, input);
    }
}
