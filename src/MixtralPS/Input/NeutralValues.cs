using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;

namespace MixtralPS.Input;

/// <summary>
/// Turns property values into the neutral values a <see cref="MixtralPS.Core.Input.DataRecord"/> holds: scalars kept,
/// collections and maps bounded in count, and nesting bounded in depth the way ConvertTo-Json -Depth bounds it
/// (an object deeper than the limit becomes its ToString()).
/// </summary>
internal sealed class NeutralValues
{
    public const int MaxProperties = 30;
    public const int MaxItems = 20;

    private readonly int maxDepth;

    public NeutralValues(int maxDepth)
    {
        this.maxDepth = maxDepth;
    }

    /// <summary>Whether the value is one a record keeps as it is (after unwrapping a PSObject).</summary>
    public static bool IsScalar(object? value) => value is null or string or bool or char or Enum or decimal
        or DateTime or DateTimeOffset or TimeSpan or Guid or BigInteger or Half or Int128 or UInt128
        || value.GetType().IsPrimitive;

    /// <summary>The neutral form of a record's own value, or the text of the error that reading it raised.</summary>
    public object? Cell(object? value)
    {
        try
        {
            return Convert(value, 1);
        }
        catch (Exception e) when (PropertySets.IsValueError(e))
        {
            return PropertySets.ErrorText(e); // e.g. a collection whose enumerator throws
        }
    }

    /// <summary>The neutral form of <paramref name="value"/>, met at nesting <paramref name="depth"/> (a record's own values are at 1).</summary>
    public object? Convert(object? value, int depth)
    {
        var wrapper = value as PSObject;
        var raw = wrapper is null ? value : wrapper.BaseObject;
        if (ReferenceEquals(value, System.Management.Automation.Internal.AutomationNull.Value))
        {
            return null;
        }

        switch (raw)
        {
            case char character:
                return character.ToString();
            case nint or nuint:
                return System.Convert.ToInt64(raw, CultureInfo.InvariantCulture);
            case var scalar when IsScalar(scalar):
                return scalar;
        }

        if (depth > maxDepth)
        {
            return Text(value!); // a PSObject's text, so a custom object reads @{Name=…} as PowerShell shows it
        }

        return raw switch
        {
            PSCustomObject => PropertyMap(wrapper!, depth, ownProperties: true),
            IDictionary dictionary => Map(dictionary, depth),
            IEnumerable items => List(items, depth),
            _ when HasOwnText(raw!) => Text(raw!),
            _ => PropertyMap(wrapper ?? PSObject.AsPSObject(raw!), depth, ownProperties: false),
        };
    }

    /// <summary>The entries of a dictionary, at most <see cref="MaxProperties"/>, then a "…" entry saying how many more.</summary>
    public IReadOnlyDictionary<string, object?> Map(IDictionary dictionary, int depth)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        var more = 0;
        foreach (DictionaryEntry entry in dictionary)
        {
            if (map.Count >= MaxProperties)
            {
                more++;
                continue;
            }

            map.TryAdd(KeyText(entry.Key), Convert(entry.Value, depth + 1));
        }

        if (more > 0)
        {
            map["…"] = $"({more} more)";
        }

        return map;
    }

    /// <summary>The properties a nested object shows: its default display set if it has one, else its properties.</summary>
    public IReadOnlyDictionary<string, object?> PropertyMap(PSObject item, int depth, bool ownProperties)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        var names = ownProperties ? null : PropertySets.DefaultDisplayNames(item);
        if (names is not null)
        {
            foreach (var name in names)
            {
                map.TryAdd(name, Convert(PropertySets.ValueOrError(item, name), depth + 1));
            }

            return map;
        }

        var properties = PropertySets.ReadableProperties(item, MaxProperties, out var more);
        foreach (var (name, value) in properties)
        {
            map.TryAdd(name, Convert(value, depth + 1));
        }

        if (more)
        {
            map["…"] = "(more properties)";
        }

        return map;
    }

    public static string KeyText(object? key) =>
        System.Convert.ToString(key is PSObject wrapped ? wrapped.BaseObject : key, CultureInfo.InvariantCulture) ?? string.Empty;

    private IReadOnlyList<object?> List(IEnumerable items, int depth)
    {
        var list = new List<object?>();
        var enumerator = items.GetEnumerator();
        try
        {
            while (list.Count < MaxItems && enumerator.MoveNext())
            {
                list.Add(Convert(enumerator.Current, depth + 1));
            }

            if (list.Count == MaxItems && items is ICollection collection && collection.Count > MaxItems)
            {
                list.Add($"… ({collection.Count - MaxItems} more)");
            }
            else if (list.Count == MaxItems && enumerator.MoveNext())
            {
                list.Add("… (more)"); // a lazy sequence: counting it could run forever
            }
        }
        finally
        {
            (enumerator as IDisposable)?.Dispose();
        }

        return list;
    }

    // Types that say what they are in their own text (paths, versions, addresses) read best as that text.
    private static bool HasOwnText(object value)
    {
        var declaring = value.GetType().GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType;
        return declaring is not null && declaring != typeof(object) && declaring != typeof(ValueType);
    }

    private static string Text(object value)
    {
        try
        {
            return value.ToString() ?? string.Empty;
        }
        catch (Exception e) when (PropertySets.IsValueError(e))
        {
            return PropertySets.ErrorText(e);
        }
    }
}
