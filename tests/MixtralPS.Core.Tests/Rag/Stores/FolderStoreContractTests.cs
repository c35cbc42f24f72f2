using MixtralPS.Core.Rag.Stores;

namespace MixtralPS.Core.Tests.Rag.Stores;

/// <summary>The store contract on a folder index (SQLite + USearch).</summary>
public sealed class FolderStoreContractTests : RagStoreContract, IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mixtralps-contract-" + Guid.NewGuid().ToString("N"));

    protected override RagIndexLocation NewLocation() => RagIndexLocation.Folder(Path.Combine(root, Guid.NewGuid().ToString("N") + ".ragidx"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
