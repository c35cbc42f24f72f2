using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MixtralPS.Core.Input;

/// <summary>
/// The text of one neutral value: culture-invariant numbers, ISO 8601 dates, enum names, and nested lists and maps
/// as compact JSON. The same rules serve the table and CSV cells and the JSON values, so every format agrees.
/// </summary>
internal static class DataValueText
{
    // ISO 8601 that round-trips like "o" but without a run of zeros for whole seconds (F digits vanish when zero):
    // 2024-01-02T03:04:05Z rather than 2024-01-02T03:04:05.0000000Z. K keeps DateTime's Kind (Z, offset or none).
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK";
    private const string DateTimeOffsetFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";

    // Values arrive bounded by their reader; this only stops a self-referencing list from recursing forever.
    private const int MaxNesting = 64;

    /// <summary>Readable non-ASCII text and no HTML escaping: the reader is a model, not a browser.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Format(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        bool flag => flag ? "True" : "False",
        char character => character.ToString(),
        Enum member => member.ToString(),
        DateTime time => time.ToString(DateTimeFormat, CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString(DateTimeOffsetFormat, CultureInfo.InvariantCulture),
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        Guid id => id.ToString("D"),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        IReadOnlyDictionary<string, object?> or IReadOnlyList<object?> => ToJson(value),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    public static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteJson(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WriteJson(Utf8JsonWriter writer, object? value) => WriteJson(writer, value, 0);

    private static void WriteJson(Utf8JsonWriter writer, object? value, int nesting)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case byte or sbyte or short or ushort or int or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case uint or ulong:
                writer.WriteNumberValue(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case double number when double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case float number when float.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case Half number when Half.IsFinite(number):
                writer.WriteNumberValue((double)number);
                break;
            case BigInteger or Int128 or UInt128 or nint or nuint:
                writer.WriteRawValue(Format(value), skipInputValidation: true);
                break;
            case IReadOnlyDictionary<string, object?> map when nesting < MaxNesting:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item, nesting + 1);
                }

                writer.WriteEndObject();
                break;
            case IReadOnlyList<object?> list when nesting < MaxNesting:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item, nesting + 1);
                }

                writer.WriteEndArray();
                break;
            case IReadOnlyDictionary<string, object?> or IReadOnlyList<object?>:
                writer.WriteStringValue("…");
                break;
            default:
                // Strings, dates, enums, GUIDs, NaN and infinities: JSON has no type for them, so their text.
                writer.WriteStringValue(Format(value));
                break;
        }
    }
}
