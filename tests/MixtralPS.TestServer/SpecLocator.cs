namespace MixtralPS.TestServer;

/// <summary>Finds shared/spec/mistral-openapi.yaml: the repo's shared folder sits either inside the clone
/// or beside it (CI copies shared/ next to the clone), so both layouts are tried from every ancestor.</summary>
public static class SpecLocator
{
    private const string Relative = "shared/spec/mistral-openapi.yaml";

    public static string Find()
    {
        var tried = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, Relative), Path.Combine(dir.FullName, "..", Relative) })
                {
                    var full = Path.GetFullPath(candidate);
                    if (File.Exists(full)) return full;
                    tried.Add(full);
                }
            }
        }
        throw new FileNotFoundException(
            $"Cannot find the Mistral OpenAPI file ({Relative}) above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}; pass --spec PATH. Tried: {string.Join(", ", tried.Distinct().Take(6))}...");
    }
}
