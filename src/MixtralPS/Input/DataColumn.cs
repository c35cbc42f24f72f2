using System.Management.Automation;

namespace MixtralPS.Input;

/// <summary>
/// One column a format view shows: its header, and the property or script that fills it. A script runs with $_ set
/// to the object, like Format-Table runs it.
/// </summary>
internal sealed class DataColumn
{
    public DataColumn(string label, string? propertyName, ScriptBlock? script)
    {
        Label = label;
        PropertyName = propertyName;
        Script = script;
    }

    public string Label { get; }

    public string? PropertyName { get; }

    public ScriptBlock? Script { get; }

    /// <summary>A column from a view's display entry; the label falls back to the property name, then the script.</summary>
    public static DataColumn? FromEntry(string? label, DisplayEntry? entry)
    {
        if (entry is null || string.IsNullOrWhiteSpace(entry.Value))
        {
            return null;
        }

        if (entry.ValueType == DisplayEntryValueType.Property)
        {
            return new DataColumn(string.IsNullOrWhiteSpace(label) ? entry.Value : label!, entry.Value, null);
        }

        return new DataColumn(string.IsNullOrWhiteSpace(label) ? entry.Value.Trim() : label!, null, ScriptBlock.Create(entry.Value));
    }
}
