using System.Text;
using System.Text.Json;

namespace MixtralPS.Core.Input;

/// <summary>Renders records of one shape as a block of text a language model reads: a table, CSV or JSON.</summary>
public static class DataRenderer
{
    private const string CsvLineBreak = "\r\n"; // RFC 4180

    /// <summary>
    /// Renders records that share <see cref="DataRecord.TypeName"/> and <see cref="DataRecord.Columns"/> as one block.
    /// Table: a Markdown-style table with a header row, unpadded, with | escaped and line breaks as &lt;br&gt;;
    /// Csv: RFC 4180 with a header row; Json: an array of objects, one per line. Nested lists and maps are JSON.
    /// </summary>
    /// <exception cref="ArgumentException">The format is <see cref="InputFormat.Text"/> (the cmdlet layer renders
    /// it with Out-String), or the records differ in type or columns.</exception>
    public static string Render(IReadOnlyList<DataRecord> records, InputFormat format)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (format == InputFormat.Text)
        {
            throw new ArgumentException("Text is what Out-String shows; the cmdlet layer renders it, not DataRenderer.", nameof(format));
        }

        for (var i = 1; i < records.Count; i++)
        {
            if (!records[i].HasShapeOf(records[0]))
            {
                throw new ArgumentException(
                    $"Records in one block share their type and columns; record {i} ({records[i].TypeName}) differs from the first ({records[0].TypeName}).",
                    nameof(records));
            }
        }

        return format switch
        {
            InputFormat.Table => RenderTable(records),
            InputFormat.Csv => RenderCsv(records),
            InputFormat.Json => RenderJson(records),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown input format."),
        };
    }

    /// <summary>
    /// The text of one value as a table or CSV cell shows it (before escaping): invariant numbers ("R" for floating
    /// point), ISO 8601 dates with their offset or Kind, TimeSpan as "c", enum names, True/False, nested lists and
    /// maps as compact JSON, and null as an empty string.
    /// </summary>
    public static string FormatValue(object? value) => DataValueText.Format(value);

    private static string RenderTable(IReadOnlyList<DataRecord> records)
    {
        if (records.Count == 0 || records[0].Columns.Count == 0)
        {
            return string.Empty;
        }

        var columns = records[0].Columns;
        var text = new StringBuilder();
        AppendTableRow(text, columns);
        text.Append("\n|");
        for (var i = 0; i < columns.Count; i++)
        {
            text.Append(" --- |");
        }

        foreach (var record in records)
        {
            text.Append('\n');
            AppendTableRow(text, record.Values.Select(FormatValue));
        }

        return text.ToString();
    }

    private static void AppendTableRow(StringBuilder text, IEnumerable<string> cells)
    {
        text.Append('|');
        foreach (var cell in cells)
        {
            text.Append(' ').Append(EscapeTableCell(cell)).Append(" |");
        }
    }

    // A cell must stay on one line and inside its column: | would end the cell and a line break the row.
    private static string EscapeTableCell(string cell)
    {
        if (cell.AsSpan().IndexOfAny('|', '\r', '\n') < 0)
        {
            return cell;
        }

        return cell.Replace("|", "\\|").Replace("\r\n", "<br>").Replace('\r', '\n').Replace("\n", "<br>");
    }

    private static string RenderCsv(IReadOnlyList<DataRecord> records)
    {
        if (records.Count == 0 || records[0].Columns.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        AppendCsvRow(text, records[0].Columns);
        foreach (var record in records)
        {
            text.Append(CsvLineBreak);
            AppendCsvRow(text, record.Values.Select(FormatValue));
        }

        return text.ToString();
    }

    private static void AppendCsvRow(StringBuilder text, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                text.Append(',');
            }

            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                text.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
            }
            else
            {
                text.Append(field);
            }
        }
    }

    // One object per line: a model (and a person) reads the records apart without indentation's extra tokens.
    private static string RenderJson(IReadOnlyList<DataRecord> records)
    {
        if (records.Count == 0)
        {
            return "[]";
        }

        var text = new StringBuilder("[");
        using var buffer = new MemoryStream();
        for (var r = 0; r < records.Count; r++)
        {
            buffer.SetLength(0);
            using (var writer = new Utf8JsonWriter(buffer, DataValueText.WriterOptions))
            {
                var record = records[r];
                writer.WriteStartObject();
                for (var i = 0; i < record.Columns.Count; i++)
                {
                    writer.WritePropertyName(record.Columns[i]);
                    DataValueText.WriteJson(writer, record.Values[i]);
                }

                writer.WriteEndObject();
            }

            text.Append(r == 0 ? "\n" : ",\n").Append(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }

        return text.Append("\n]").ToString();
    }
}
