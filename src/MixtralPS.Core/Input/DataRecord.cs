namespace MixtralPS.Core.Input;

/// <summary>
/// One piped object as named, neutral values. Values are null, string, bool, .NET numbers, DateTime, DateTimeOffset,
/// TimeSpan, Guid, enums, <see cref="IReadOnlyList{T}"/> of values and <see cref="IReadOnlyDictionary{TKey, TValue}"/>
/// of string to value; whoever builds a record has already bounded the nesting.
/// </summary>
public sealed class DataRecord
{
    /// <summary>Creates a record; <paramref name="values"/> holds one value per column, in column order.</summary>
    public DataRecord(string typeName, IReadOnlyList<string> columns, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (columns.Count != values.Count)
        {
            throw new ArgumentException($"A record needs one value per column ({columns.Count} columns, {values.Count} values).", nameof(values));
        }

        TypeName = typeName;
        Columns = columns;
        Values = values;
    }

    /// <summary>The type the record came from, e.g. System.IO.FileInfo.</summary>
    public string TypeName { get; }

    /// <summary>The column names, in display order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>One value per column.</summary>
    public IReadOnlyList<object?> Values { get; }

    /// <summary>Whether this record can share a block with <paramref name="other"/>: same type and same columns.</summary>
    public bool HasShapeOf(DataRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return TypeName == other.TypeName && Columns.SequenceEqual(other.Columns, StringComparer.Ordinal);
    }
}
