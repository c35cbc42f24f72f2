using MixtralPS.Core.Index;

namespace MixtralPS.Core.Tests.Index;

public sealed class HnswIndexFileTests : IDisposable
{
    private const int Dimensions = 32;
    private readonly string folder = Path.Combine(Path.GetTempPath(), "mixtralps-hnsw-" + Guid.NewGuid().ToString("N"));

    public HnswIndexFileTests() => Directory.CreateDirectory(folder);

    public static TheoryData<string, bool> DamagedFiles => new()
    {
        { "garbage", false }, { "garbage", true },
        { "truncated", false }, { "truncated", true },
        { "empty", false }, { "empty", true },
        { "header only", false }, { "header only", true },
    };

    public void Dispose()
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(folder))
        {
            File.SetAttributes(path, FileAttributes.Normal);
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_loaded_index_can_grow_and_be_saved_again()
    {
        var path = SaveIndex("grow.usearch", count: 200);
        using (var loaded = HnswIndex.Load(path, HnswSettings.Default, Dimensions))
        {
            Assert.False(loaded.IsReadOnly);
            loaded.Add(5000, HnswIndexTests.Unit(3, Dimensions));
            Assert.True(loaded.Remove(0));
            loaded.Save(path);
        }

        using var reloaded = HnswIndex.Load(path, HnswSettings.Default);
        Assert.Equal(200, reloaded.Count);
        Assert.True(reloaded.Contains(5000));
        Assert.False(reloaded.Contains(0));
        Assert.Equal(Dimensions, reloaded.Dimensions);
    }

    [Fact]
    public void A_view_answers_but_refuses_changes()
    {
        var path = SaveIndex("view.usearch", count: 200);
        using var view = HnswIndex.View(path, HnswSettings.Default, Dimensions);
        Assert.True(view.IsReadOnly);
        Assert.Equal(200, view.Count);
        Assert.Contains("read-only view", Assert.Throws<InvalidOperationException>(() => view.Add(9999, HnswIndexTests.Unit(1, Dimensions))).Message);
        Assert.Throws<InvalidOperationException>(() => view.Remove(1));
        Assert.Throws<InvalidOperationException>(() => view.AddRange([9999], HnswIndexTests.Unit(1, Dimensions)));
    }

    [Fact]
    public void Saving_over_a_viewed_file_replaces_it_while_the_view_reads_the_old_one()
    {
        var path = SaveIndex("replace.usearch", count: 100);
        using var oldView = HnswIndex.View(path, HnswSettings.Default, Dimensions);
        SaveIndex("replace.usearch", count: 300, seed: 9);

        Assert.Equal(100, oldView.Count);
        Assert.Equal(100, oldView.Search(HnswIndexTests.Unit(2, Dimensions), 500).Count);
        using var newView = HnswIndex.View(path, HnswSettings.Default, Dimensions);
        Assert.Equal(300, newView.Count);
        Assert.Equal(["replace.usearch"], Directory.EnumerateFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Another_dimension_is_refused_naming_the_file_and_both_sizes()
    {
        var path = SaveIndex("dims.usearch", count: 50);
        foreach (var open in new Func<HnswIndex>[] { () => HnswIndex.Load(path, HnswSettings.Default, 384), () => HnswIndex.View(path, HnswSettings.Default, 384) })
        {
            var error = Assert.Throws<InvalidDataException>(open);
            Assert.StartsWith($"'{path}' is not a USearch index of 384 dimensions: ", error.Message);
            Assert.Contains($"{Dimensions}-dimensional", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public void A_damaged_file_is_refused_clearly(string damage, bool view)
    {
        var good = File.ReadAllBytes(SaveIndex("good.usearch", count: 100));
        byte[] bytes = damage switch
        {
            "garbage" => Enumerable.Range(0, good.Length).Select(i => (byte)(i * 31 + 7)).ToArray(),
            "truncated" => good[..(good.Length / 2)],
            "empty" => [],
            "header only" => good[..64],
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        var path = Path.Combine(folder, "damaged.usearch");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => view
            ? HnswIndex.View(path, HnswSettings.Default, Dimensions)
            : HnswIndex.Load(path, HnswSettings.Default, Dimensions));
        Assert.StartsWith($"'{path}' is not a USearch index of {Dimensions} dimensions: ", error.Message);
    }

    [Fact]
    public void A_missing_file_is_reported_as_missing()
    {
        var path = Path.Combine(folder, "missing.usearch");
        Assert.Throws<FileNotFoundException>(() => HnswIndex.Load(path, HnswSettings.Default, Dimensions));
        Assert.Throws<FileNotFoundException>(() => HnswIndex.View(path, HnswSettings.Default));
    }

    [Fact]
    public void A_save_failing_half_way_leaves_the_existing_file_and_no_temporary()
    {
        var path = SaveIndex("atomic.usearch", count: 100);
        var before = File.ReadAllBytes(path);

        // The write fails after the temporary file is created and sized (a full disk would fail there).
        Assert.Throws<IOException>(() => IndexFile.WriteAtomically(path, before.Length * 2L, (_, _) => throw new IOException("simulated")));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["atomic.usearch"], Directory.EnumerateFiles(folder).Select(Path.GetFileName));
        using var index = HnswIndex.Load(path, HnswSettings.Default, Dimensions);
        Assert.Equal(100, index.Count);
    }

    [Fact]
    public void A_save_into_a_read_only_folder_fails_and_leaves_the_existing_file()
    {
        var readOnly = Path.Combine(folder, "read-only");
        Directory.CreateDirectory(readOnly);
        var path = Path.Combine(readOnly, "index.usearch");
        using (var first = Build(100, seed: 1))
        {
            first.Save(path);
        }

        var before = File.ReadAllBytes(path);
        MakeReadOnly(readOnly, true);
        try
        {
            if (CanCreateFileIn(readOnly))
            {
                // Root (or Windows' rules for folders) ignores the permission: the failure is simulated by the test above.
                return;
            }

            using var second = Build(300, seed: 2);
            Assert.ThrowsAny<Exception>(() => second.Save(path));
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(["index.usearch"], Directory.EnumerateFiles(readOnly).Select(Path.GetFileName));
        }
        finally
        {
            MakeReadOnly(readOnly, false);
        }
    }

    [Fact]
    public void A_save_onto_a_folder_fails_and_cleans_up()
    {
        var target = Path.Combine(folder, "a-folder");
        Directory.CreateDirectory(target);
        using var index = Build(20, seed: 1);

        Assert.ThrowsAny<IOException>(() => index.Save(target));

        Assert.True(Directory.Exists(target));
        Assert.Empty(Directory.EnumerateFiles(folder));
    }

    private static HnswIndex Build(int count, int seed)
    {
        var index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        index.AddRange(
            Enumerable.Range(0, count).Select(i => (ulong)i).ToArray(),
            ClusteredVectors.Sample(count, Dimensions, clusters: 10, seed, stream: 1));
        return index;
    }

    private static void MakeReadOnly(string path, bool readOnly)
    {
        if (OperatingSystem.IsWindows())
        {
            new DirectoryInfo(path).Attributes = readOnly ? FileAttributes.ReadOnly | FileAttributes.Directory : FileAttributes.Directory;
        }
        else
        {
            File.SetUnixFileMode(path, readOnly
                ? UnixFileMode.UserRead | UnixFileMode.UserExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool CanCreateFileIn(string path)
    {
        try
        {
            var probe = Path.Combine(path, "probe");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private string SaveIndex(string name, int count, int seed = 1)
    {
        var path = Path.Combine(folder, name);
        using var index = Build(count, seed);
        index.Save(path);
        return path;
    }
}
