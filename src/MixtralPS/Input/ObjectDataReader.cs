using System.Collections;
using System.Globalization;
using System.Management.Automation;
using MixtralPS.Core.Input;

namespace MixtralPS.Input;

/// <summary>
/// Reads a piped object as a <see cref="DataRecord"/> of the columns PowerShell's default view shows for it: the
/// type's table view (or the entries of its list, wide or custom view), else its DefaultDisplayPropertySet, else its
/// properties. A dictionary gives its keys; a custom object its properties in order. Runs PowerShell code (format
/// lookups, view scripts, Out-String) in the caller's session, so it must be used on the pipeline thread, e.g. from
/// ProcessRecord. Views are looked up once per list of type names.
/// </summary>
public sealed class ObjectDataReader
{
    private const string ValueColumn = "Value";
    private const string OutStringScript = "$input | Microsoft.PowerShell.Utility\\Out-String";

    private readonly CommandInvocationIntrinsics invoke;
    private readonly FormatViewColumns views;
    private readonly NeutralValues values;
    private ScriptBlock? outString;

    /// <summary>A reader for a cmdlet's pipeline; nested objects deeper than <paramref name="maxDepth"/> become their text.</summary>
    public ObjectDataReader(PSCmdlet cmdlet, int maxDepth = 2)
        : this((cmdlet ?? throw new ArgumentNullException(nameof(cmdlet))).InvokeCommand, maxDepth)
    {
    }

    /// <summary>A reader for a session, e.g. $ExecutionContext in a script.</summary>
    public ObjectDataReader(EngineIntrinsics engine)
        : this(engine, 2)
    {
    }

    /// <summary>A reader for a session with a nesting limit.</summary>
    public ObjectDataReader(EngineIntrinsics engine, int maxDepth)
        : this((engine ?? throw new ArgumentNullException(nameof(engine))).InvokeCommand, maxDepth)
    {
    }

    private ObjectDataReader(CommandInvocationIntrinsics invoke, int maxDepth)
    {
        if (maxDepth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDepth), maxDepth, "The nesting limit cannot be negative.");
        }

        this.invoke = invoke;
        views = new FormatViewColumns(invoke);
        values = new NeutralValues(maxDepth);
    }

    /// <summary>The object's displayed columns and their neutral values; a value that cannot be read holds its error text.</summary>
    public DataRecord Read(PSObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var typeNames = input.TypeNames.ToList();
        var raw = input.BaseObject;
        var typeName = typeNames.Count > 0 ? typeNames[0] : raw.GetType().FullName ?? raw.GetType().Name;

        if (raw is IDictionary dictionary)
        {
            var map = values.Map(dictionary, 0);
            return new DataRecord(typeName, map.Keys.ToList(), map.Values.ToList());
        }

        if (NeutralValues.IsScalar(raw))
        {
            return Single(typeName, input);
        }

        if (views.For(typeNames) is { } columns)
        {
            return new DataRecord(typeName, columns.Select(c => c.Label).ToList(), columns.Select(c => values.Cell(Evaluate(c, input))).ToList());
        }

        if (PropertySets.DefaultDisplayNames(input) is { } names)
        {
            return new DataRecord(typeName, names, names.Select(n => values.Cell(PropertySets.ValueOrError(input, n))).ToList());
        }

        if (raw is IEnumerable and not string)
        {
            return Single(typeName, input);
        }

        var properties = PropertySets.ReadableProperties(input, NeutralValues.MaxProperties, out var more).ToList();
        var columnNames = properties.Select(p => p.Name).ToList();
        var cells = properties.Select(p => values.Cell(p.Value)).ToList();
        if (more)
        {
            columnNames.Add("…");
            cells.Add("(more properties)");
        }

        return columnNames.Count > 0 ? new DataRecord(typeName, columnNames, cells) : Single(typeName, input);
    }

    /// <summary>What Out-String shows for the object, without its leading blank lines and trailing white space.</summary>
    public string ReadText(PSObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        outString ??= ScriptBlock.Create(OutStringScript);
        var results = invoke.InvokeScript(false, outString, new object[] { input });
        return string.Concat(results.Select(r => r?.BaseObject as string ?? r?.ToString())).TrimStart('\r', '\n').TrimEnd();
    }

    private DataRecord Single(string typeName, PSObject input) =>
        new(typeName, new[] { ValueColumn }, new[] { values.Cell(input) });

    // A label that names a property reads that property: views often show a display string of the same data
    // (FileInfo's Size and NameString, a date formatted for the culture), and the model reads the typed value better.
    private static object? Evaluate(DataColumn column, PSObject input)
    {
        if (input.Properties[column.Label] is not null)
        {
            return PropertySets.ValueOrError(input, column.Label);
        }

        if (column.PropertyName is { } property)
        {
            return PropertySets.ValueOrError(input, property);
        }

        return RunScript(column.Script!, input);
    }

    // View scripts format numbers with -f, which follows the current culture; the model gets invariant digits.
    private static object? RunScript(ScriptBlock script, PSObject input)
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var results = script.InvokeWithContext(null, new List<PSVariable> { new("_", input) });
            return results.Count switch
            {
                0 => null,
                1 => results[0],
                _ => results.Cast<object?>().ToList(),
            };
        }
        catch (Exception e) when (PropertySets.IsValueError(e))
        {
            return PropertySets.ErrorText(e);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
