namespace MixtralPS.Embeddings.Tests;

/// <summary>Where build/LocalModels.targets put models/ for this test assembly.</summary>
internal static class ModelPaths
{
    public static string BaseDirectory => AppContext.BaseDirectory;
}
