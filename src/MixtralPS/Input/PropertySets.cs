using System.Management.Automation;
using System.Reflection;

namespace MixtralPS.Input;

/// <summary>Reads an object's properties without letting one bad getter stop the rest.</summary>
internal static class PropertySets
{
    /// <summary>The names in PSStandardMembers.DefaultDisplayPropertySet, or null when the object has none.</summary>
    public static IReadOnlyList<string>? DefaultDisplayNames(PSObject item)
    {
        try
        {
            if (item.Members["PSStandardMembers"]?.Value is PSMemberSet standard
                && standard.Members["DefaultDisplayPropertySet"] is PSPropertySet set
                && set.ReferencedPropertyNames.Count > 0)
            {
                return set.ReferencedPropertyNames.ToList();
            }
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException && IsValueError(e))
        {
            // an adapter that cannot list members: no display set
        }

        return null;
    }

    /// <summary>A property's value, or the text of the error reading it raised (a record never fails over one value).</summary>
    public static object? ValueOrError(PSObject item, string name)
    {
        try
        {
            return item.Properties[name]?.Value;
        }
        catch (Exception e) when (IsValueError(e))
        {
            return ErrorText(e);
        }
    }

    /// <summary>Up to <paramref name="max"/> properties in order, skipping those whose getter throws.</summary>
    public static IEnumerable<(string Name, object? Value)> ReadableProperties(PSObject item, int max, out bool more)
    {
        var read = new List<(string, object?)>();
        more = false;
        foreach (var property in item.Properties)
        {
            if (read.Count == max)
            {
                more = true;
                break;
            }

            object? value;
            try
            {
                value = property.Value;
            }
            catch (Exception e) when (IsValueError(e))
            {
                continue; // e.g. Process.ExitCode of a running process: nothing to show
            }

            read.Add((property.Name, value));
        }

        return read;
    }

    /// <summary>Whether an exception is about one value, not a Ctrl+C that must stop the pipeline.</summary>
    public static bool IsValueError(Exception e) => e is not (PipelineStoppedException or OutOfMemoryException);

    public static string ErrorText(Exception e)
    {
        var cause = e is GetValueInvocationException or TargetInvocationException && e.InnerException is not null ? e.InnerException : e;
        return $"[error: {cause.Message}]";
    }
}
