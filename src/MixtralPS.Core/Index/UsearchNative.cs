using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace MixtralPS.Core.Index;

/// <summary>
/// The C API of the libusearch_c that Cloud.Unum.USearch ships (c/usearch.h of USearch 2.26.6), called directly.
/// The package's managed USearchIndex takes only float[] (a copy per call), grows capacity by exactly the
/// vectors being added (a reallocation per single Add: 5,000 Adds took 10 s), cannot set expansion_search or
/// thread contexts after Load/View, and passes paths as ANSI strings; the same native library, bound here,
/// takes spans, reserves ahead, and reads and writes files through .NET (buffers), not the C runtime.
/// The package's MetricKind and ScalarKind enums are the C enums' values, so they are reused.
/// </summary>
internal static class UsearchNative
{
    /// <summary>Found beside the assembly (module folder, flattened publish) or through deps.json (runtimes/RID/native).</summary>
    public const string Library = "libusearch_c";

    /// <summary>usearch_init_options_t; blittable (the C struct's bool is one byte).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InitOptions
    {
        public MetricKind MetricKind;
        public nint Metric;
        public ScalarKind Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }

    // Every function reports failure through its last argument: a static C string, never freed.

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nint usearch_init(ref InitOptions options, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_free(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_serialized_length(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_save_buffer(nint index, nint buffer, nuint length, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_load_buffer(nint index, nint buffer, nuint length, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_view_buffer(nint index, nint buffer, nuint length, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_metadata_buffer(nint buffer, nuint length, ref InitOptions options, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_size(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_capacity(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_dimensions(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_connectivity(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_expansion_search(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_memory_usage(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nint usearch_hardware_acceleration(nint index, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_change_expansion_add(nint index, nuint expansion, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_change_expansion_search(nint index, nuint expansion, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_change_threads_add(nint index, nuint threads, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_change_threads_search(nint index, nuint threads, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_reserve(nint index, nuint capacity, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void usearch_add(nint index, ulong key, in float vector, ScalarKind kind, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern byte usearch_contains(nint index, ulong key, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_search(
        nint index, in float query, ScalarKind kind, nuint count, ref ulong keys, ref float distances, out nint error);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint usearch_remove(nint index, ulong key, out nint error);

    /// <summary>The C error string, or null when the call succeeded.</summary>
    public static string? Message(nint error) => error == 0 ? null : Marshal.PtrToStringUTF8(error) ?? "unknown error";
}
