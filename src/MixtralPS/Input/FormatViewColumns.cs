using System.Collections.ObjectModel;
using System.Management.Automation;

namespace MixtralPS.Input;

/// <summary>
/// The columns PowerShell's default view shows for a type, read from the session's format data (Get-FormatData):
/// the first table view, else the entries of the first list, wide or custom view.
/// </summary>
internal sealed class FormatViewColumns
{
    // -PowerShellVersion asks for the views as this PowerShell has them; without it, Get-FormatData leaves some out.
    // Type names are escaped because generic names hold [ ], which -TypeName reads as wildcards.
    private const string LookupScript = """
        param([string[]] $TypeNames)
        $names = foreach ($name in $TypeNames) { [WildcardPattern]::Escape($name) }
        Microsoft.PowerShell.Utility\Get-FormatData -TypeName $names -PowerShellVersion $PSVersionTable.PSVersion -ErrorAction Ignore
        """;

    private readonly CommandInvocationIntrinsics invoke;
    private readonly Dictionary<string, IReadOnlyList<DataColumn>?> byTypeNames = new(StringComparer.OrdinalIgnoreCase);
    private ScriptBlock? lookup;

    public FormatViewColumns(CommandInvocationIntrinsics invoke)
    {
        this.invoke = invoke;
    }

    /// <summary>The view's columns for the first of <paramref name="typeNames"/> that has a view; null if none has.</summary>
    public IReadOnlyList<DataColumn>? For(IReadOnlyList<string> typeNames)
    {
        var key = string.Join("\n", typeNames);
        if (!byTypeNames.TryGetValue(key, out var columns))
        {
            columns = Load(typeNames);
            byTypeNames[key] = columns;
        }

        return columns;
    }

    private IReadOnlyList<DataColumn>? Load(IReadOnlyList<string> typeNames)
    {
        if (typeNames.Count == 0)
        {
            return null;
        }

        Collection<PSObject> found;
        try
        {
            lookup ??= ScriptBlock.Create(LookupScript);
            found = invoke.InvokeScript(false, lookup, null, new object[] { typeNames.ToArray() });
        }
        catch (RuntimeException e) when (e is not PipelineStoppedException)
        {
            return null; // no format data to be had: the caller falls back to the object's properties
        }

        var definitions = found.Select(o => o?.BaseObject).OfType<ExtendedTypeDefinition>().ToList();
        foreach (var typeName in typeNames)
        {
            var views = definitions
                .Where(d => d.TypeNames.Contains(typeName, StringComparer.OrdinalIgnoreCase)
                    || string.Equals(d.TypeName, typeName, StringComparison.OrdinalIgnoreCase))
                .SelectMany(d => d.FormatViewDefinition)
                .ToList();
            var columns = FromViews(views, typeNames);
            if (columns is not null)
            {
                return columns;
            }
        }

        return null;
    }

    private static IReadOnlyList<DataColumn>? FromViews(List<FormatViewDefinition> views, IReadOnlyList<string> typeNames)
    {
        var table = views.Select(v => v.Control).OfType<TableControl>().FirstOrDefault();
        if (table is not null)
        {
            return FromTable(table, typeNames);
        }

        foreach (var control in views.Select(v => v.Control))
        {
            var columns = control switch
            {
                ListControl list => FromList(list, typeNames),
                WideControl wide => FromWide(wide, typeNames),
                CustomControl custom => FromCustom(custom),
                _ => null,
            };
            if (columns is { Count: > 0 })
            {
                return columns;
            }
        }

        return null;
    }

    private static IReadOnlyList<DataColumn>? FromTable(TableControl table, IReadOnlyList<string> typeNames)
    {
        var row = PickEntry(table.Rows, r => r.SelectedBy is { } by ? (IReadOnlyCollection<string>?)by.TypeNames ?? Array.Empty<string>() : null, typeNames);
        if (row is null)
        {
            return null;
        }

        var columns = new List<DataColumn>();
        for (var i = 0; i < row.Columns.Count; i++)
        {
            var label = i < table.Headers.Count ? table.Headers[i].Label : null;
            if (DataColumn.FromEntry(label, row.Columns[i].DisplayEntry) is { } column)
            {
                columns.Add(column);
            }
        }

        return columns.Count > 0 ? columns : null;
    }

    private static IReadOnlyList<DataColumn>? FromList(ListControl list, IReadOnlyList<string> typeNames)
    {
        var entry = PickEntry(list.Entries, e => e.SelectedBy, typeNames);
        return entry?.Items.Select(item => DataColumn.FromEntry(item.Label, item.DisplayEntry)).OfType<DataColumn>().ToList();
    }

    private static IReadOnlyList<DataColumn>? FromWide(WideControl wide, IReadOnlyList<string> typeNames)
    {
        var entry = PickEntry(wide.Entries, e => e.SelectedBy, typeNames);
        return DataColumn.FromEntry(null, entry?.DisplayEntry) is { } column ? new[] { column } : null;
    }

    // A custom view lays text out freely; its property expressions are the data it shows.
    private static IReadOnlyList<DataColumn> FromCustom(CustomControl custom)
    {
        var columns = new List<DataColumn>();
        foreach (var entry in custom.Entries)
        {
            CollectProperties(entry.CustomItems, columns);
        }

        return columns;
    }

    private static void CollectProperties(IEnumerable<CustomItemBase> items, List<DataColumn> columns)
    {
        foreach (var item in items)
        {
            switch (item)
            {
                case CustomItemExpression { Expression: { ValueType: DisplayEntryValueType.Property } expression }
                    when columns.All(c => c.PropertyName != expression.Value):
                    columns.Add(new DataColumn(expression.Value, expression.Value, null));
                    break;
                case CustomItemFrame frame:
                    CollectProperties(frame.CustomItems, columns);
                    break;
            }
        }
    }

    // A view may hold one entry per type (its selected-by names); take the one for this object, else an unconditional one.
    private static T? PickEntry<T>(IEnumerable<T> entries, Func<T, IReadOnlyCollection<string>?> selectedBy, IReadOnlyList<string> typeNames)
        where T : class
    {
        var list = entries.ToList();
        return list.FirstOrDefault(e => selectedBy(e)?.Any(n => typeNames.Contains(n, StringComparer.OrdinalIgnoreCase)) == true)
            ?? list.FirstOrDefault(e => selectedBy(e) is null or { Count: 0 })
            ?? list.FirstOrDefault();
    }
}
