using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using MixtralPS.Core.Tools;

namespace MixtralPS.Infrastructure;

/// <summary>Between PowerShell values (hashtables, PSCustomObjects, arrays) and JSON.</summary>
internal static class PSJson
{
    private const int MaxDepth = 64;

    /// <summary>A hashtable, PSCustomObject or JSON text as a JSON element.</summary>
    public static JsonElement ToJsonElement(object value)
    {
        var unwrapped = value is PSObject pso ? pso.BaseObject : value;
        if (unwrapped is string text)
        {
            using var parsed = JsonDocument.Parse(text);
            return parsed.RootElement.Clone();
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value, 0);
        }

        using var doc = JsonDocument.Parse(buffer.ToArray());
        return doc.RootElement.Clone();
    }

    /// <summary>JSON as PowerShell objects: objects become PSCustomObjects, arrays object[], the rest as ConvertFrom-Json gives them.</summary>
    public static object? ToPSObject(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToCustomObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPSObject).ToArray(),
        _ => JsonArguments.Scalar(element),
    };

    private static PSObject ToCustomObject(JsonElement element)
    {
        var result = new PSObject();
        foreach (var property in element.EnumerateObject())
        {
            result.Properties.Add(new PSNoteProperty(property.Name, ToPSObject(property.Value)));
        }

        return result;
    }

    private static void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"The value nests deeper than {MaxDepth} levels.");
        }

        if (value is PSObject pso && pso.BaseObject is not PSCustomObject)
        {
            value = pso.BaseObject;
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case SwitchParameter sw:
                writer.WriteBooleanValue(sw.IsPresent);
                break;
            case int or long or short or byte or sbyte or uint or ulong or ushort:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case float or double or decimal:
                writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case Enum e:
                writer.WriteStringValue(e.ToString());
                break;
            case DateTime or DateTimeOffset:
                writer.WriteStringValue(((IFormattable)value).ToString("o", CultureInfo.InvariantCulture));
                break;
            case JsonElement je:
                je.WriteTo(writer);
                break;
            case IDictionary dict:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dict)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(writer, entry.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case PSObject custom:
                writer.WriteStartObject();
                foreach (var property in custom.Properties)
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
