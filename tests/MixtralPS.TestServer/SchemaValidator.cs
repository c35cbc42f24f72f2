using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace MixtralPS.TestServer;

/// <summary>Validates request bodies against the request-body schema the OpenAPI file declares for each operation.
/// Compiled once per spec file and process (see <see cref="SchemaBundle"/> for the on-disk cache of the conversion).</summary>
public sealed class SchemaValidator
{
    private static readonly ConcurrentDictionary<string, Lazy<SchemaValidator>> Cache = new(StringComparer.Ordinal);

    private readonly EvaluationOptions _options;
    private readonly List<(string Method, Regex Path, JsonSchema Schema)> _operations = [];
    private readonly object _gate = new(); // evaluation of one shared schema graph is kept single-threaded to be safe

    public string SpecPath { get; }

    private SchemaValidator(string specPath)
    {
        SpecPath = specPath;
        var bundle = SchemaBundle.Load(specPath);
        _options = new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical };
        _options.SchemaRegistry.Register(JsonSchema.FromText(bundle["document"]!.ToJsonString()));

        var index = 0;
        foreach (var operation in bundle["operations"]!.AsArray())
        {
            var path = (string)operation!["path"]!;
            var root = operation["schema"]!.DeepClone().AsObject();
            root["$schema"] = SchemaBundle.Draft;
            root["$id"] = $"{SchemaBundle.DefsUri}/operation/{index++}";
            var pattern = "^" + Regex.Replace(Regex.Escape(path), @"\\\{[^/]*?}", "[^/]+") + "/?$";
            _operations.Add(((string)operation["method"]!, new Regex(pattern, RegexOptions.IgnoreCase), JsonSchema.FromText(root.ToJsonString())));
        }
    }

    /// <summary>Pays the first-evaluation cost (JIT, lazy schema set-up) before the first real request.</summary>
    public void WarmUp()
    {
        Validate("POST", "/v1/chat/completions", JsonNode.Parse("""{"model":"m","messages":[{"role":"user","content":"x"}]}"""));
        Validate("POST", "/v1/embeddings", JsonNode.Parse("""{"model":"m","input":["x"]}"""));
    }

    /// <summary>The validator for a spec file, built on first use and shared by every server in the process.</summary>
    public static SchemaValidator ForSpec(string specPath)
    {
        var full = Path.GetFullPath(specPath);
        if (!File.Exists(full)) throw new FileNotFoundException($"Mistral OpenAPI file not found: {full}", full);
        return Cache.GetOrAdd(full, p => new Lazy<SchemaValidator>(() => new SchemaValidator(p))).Value;
    }

    /// <summary>True when the spec declares a JSON request body for this operation.</summary>
    public bool Declares(string method, string path) => Find(method, path) is not null;

    /// <summary>Violations of the declared request-body schema; empty when valid or when nothing is declared.</summary>
    public IReadOnlyList<SchemaViolation> Validate(string method, string path, JsonNode? body)
    {
        var schema = Find(method, path);
        if (schema is null) return [];
        EvaluationResults results;
        lock (_gate) results = schema.Evaluate(body, _options);
        return results.IsValid ? [] : ViolationFilter.Select(results, body);
    }

    private JsonSchema? Find(string method, string path)
    {
        foreach (var op in _operations)
            if (op.Method == method.ToUpperInvariant() && op.Path.IsMatch(path)) return op.Schema;
        return null;
    }
}
