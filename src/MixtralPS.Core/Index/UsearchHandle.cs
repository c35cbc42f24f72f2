using System.Runtime.InteropServices;

namespace MixtralPS.Core.Index;

/// <summary>
/// Owns one native USearch index, so it is freed even when an HnswIndex is never disposed.
/// A viewed index reads straight from a mapped file: the handle holds a reference on that mapping,
/// which is therefore unmapped only after the index is freed, whatever order finalizers run in.
/// </summary>
internal sealed class UsearchHandle : SafeHandle
{
    private SafeHandle? mapping;

    public UsearchHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    public nint Value => handle;

    public static UsearchHandle Create(UsearchNative.InitOptions options)
    {
        var result = new UsearchHandle();
        var index = UsearchNative.usearch_init(ref options, out var error);
        result.SetHandle(index);
        if (UsearchNative.Message(error) is { } message)
        {
            result.Dispose();
            throw new InvalidOperationException($"USearch could not create an index: {message}");
        }

        if (index == 0)
        {
            throw new OutOfMemoryException("USearch could not allocate an index.");
        }

        return result;
    }

    /// <summary>Keeps <paramref name="mapping"/> alive until this index is freed.</summary>
    public void Pin(SafeHandle mapping)
    {
        var added = false;
        mapping.DangerousAddRef(ref added);
        this.mapping = mapping;
    }

    protected override bool ReleaseHandle()
    {
        UsearchNative.usearch_free(handle, out _);
        mapping?.DangerousRelease();
        mapping = null;
        return true;
    }
}
