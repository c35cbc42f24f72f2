using System.Globalization;
using System.Text.Json;
using MixtralPS.Core.Input;

namespace MixtralPS.Core.Tests.Input;

public sealed class DataRendererTests
{
    private static readonly string[] FileColumns = ["Name", "Length", "LastWriteTime"];

    private static DataRecord File(string name, long length, DateTime written) =>
        new("System.IO.FileInfo", FileColumns, [name, length, written]);

    private static DataRecord One(params (string Column, object? Value)[] cells) =>
        new("Test", cells.Select(c => c.Column).ToList(), cells.Select(c => c.Value).ToList());

    [Fact]
    public void TableHasAHeaderASeparatorAndOneUnpaddedRowPerRecord()
    {
        var written = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var text = DataRenderer.Render([File("a.txt", 12, written), File("longer-name.md", 3456, written)], InputFormat.Table);

        Assert.Equal(
            "| Name | Length | LastWriteTime |\n" +
            "| --- | --- | --- |\n" +
            "| a.txt | 12 | 2024-01-02T03:04:05Z |\n" +
            "| longer-name.md | 3456 | 2024-01-02T03:04:05Z |",
            text);
    }

    [Fact]
    public void TableCellsKeepPipesAndLineBreaksInsideTheirCell()
    {
        var text = DataRenderer.Render([One(("a|b", "x|y"), ("Note", "line 1\r\nline 2\nline 3"))], InputFormat.Table);

        Assert.Equal("| a\\|b | Note |\n| --- | --- |\n| x\\|y | line 1<br>line 2<br>line 3 |", text);
    }

    [Fact]
    public void CsvQuotesOnlyFieldsThatNeedItAndDoublesTheirQuotes()
    {
        var text = DataRenderer.Render(
            [One(("Name", "plain"), ("Quote", "say \"hi\""), ("List", "a,b"), ("Lines", "1\n2"), ("Empty", null))],
            InputFormat.Csv);

        Assert.Equal("Name,Quote,List,Lines,Empty\r\nplain,\"say \"\"hi\"\"\",\"a,b\",\"1\n2\",", text);
    }

    [Fact]
    public void JsonIsAnArrayWithOneTypedObjectPerLine()
    {
        var written = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var text = DataRenderer.Render([File("a.txt", 12, written), File("ü \"q\" <b>", 0, written)], InputFormat.Json);

        Assert.Equal(
            "[\n" +
            "{\"Name\":\"a.txt\",\"Length\":12,\"LastWriteTime\":\"2024-01-02T03:04:05Z\"},\n" +
            "{\"Name\":\"ü \\\"q\\\" <b>\",\"Length\":0,\"LastWriteTime\":\"2024-01-02T03:04:05Z\"}\n" +
            "]",
            text);
        using var parsed = JsonDocument.Parse(text);
        Assert.Equal(2, parsed.RootElement.GetArrayLength());
    }

    [Fact]
    public void NumbersAndDatesIgnoreTheCurrentCulture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var record = One(("Double", 1234.5), ("Float", 0.25f), ("Decimal", 1234.5m), ("Big", 1234567L),
                ("When", new DateTime(2024, 12, 31, 23, 59, 58, 500, DateTimeKind.Unspecified)));

            Assert.Equal("| Double | Float | Decimal | Big | When |\n| --- | --- | --- | --- | --- |\n| 1234.5 | 0.25 | 1234.5 | 1234567 | 2024-12-31T23:59:58.5 |",
                DataRenderer.Render([record], InputFormat.Table));
            Assert.Equal("Double,Float,Decimal,Big,When\r\n1234.5,0.25,1234.5,1234567,2024-12-31T23:59:58.5",
                DataRenderer.Render([record], InputFormat.Csv));
            Assert.Equal("[\n{\"Double\":1234.5,\"Float\":0.25,\"Decimal\":1234.5,\"Big\":1234567,\"When\":\"2024-12-31T23:59:58.5\"}\n]",
                DataRenderer.Render([record], InputFormat.Json));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData(1234.5, "1234.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(-1e300, "-1E+300")]
    public void DoublesRoundTripInInvariantForm(double value, string expected) =>
        Assert.Equal(expected, DataRenderer.FormatValue(value));

    [Fact]
    public void DatesAreIso8601WithTheirOffsetOrKind()
    {
        Assert.Equal("2024-01-02T03:04:05Z", DataRenderer.FormatValue(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
        Assert.Equal("2024-01-02T03:04:05", DataRenderer.FormatValue(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified)));
        Assert.Equal("2024-01-02T03:04:05.1234567+02:00",
            DataRenderer.FormatValue(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567)));
        var local = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Local);
        Assert.Equal(local, DateTime.Parse(DataRenderer.FormatValue(local), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
    }

    [Fact]
    public void OtherScalarsHaveOneInvariantText()
    {
        Assert.Equal("", DataRenderer.FormatValue(null));
        Assert.Equal("True", DataRenderer.FormatValue(true));
        Assert.Equal("1.02:03:04.5000000", DataRenderer.FormatValue(new TimeSpan(1, 2, 3, 4, 500)));
        Assert.Equal("ReadWrite", DataRenderer.FormatValue(FileAccess.ReadWrite));
        Assert.Equal("Hidden, System", DataRenderer.FormatValue(FileAttributes.Hidden | FileAttributes.System));
        Assert.Equal("00000000-0000-0000-0000-000000000001", DataRenderer.FormatValue(new Guid("00000000-0000-0000-0000-000000000001")));
    }

    [Fact]
    public void NestedValuesAreCompactJsonInCellsAndJsonInJson()
    {
        var nested = new Dictionary<string, object?>
        {
            ["Size"] = 1.5,
            ["Tags"] = new List<object?> { "a|b", 2, null },
            ["When"] = new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc),
        };
        var record = One(("Name", "x"), ("Info", nested));

        Assert.Equal("{\"Size\":1.5,\"Tags\":[\"a|b\",2,null],\"When\":\"2024-01-02T00:00:00Z\"}", DataRenderer.FormatValue(nested));
        Assert.EndsWith("| x | {\"Size\":1.5,\"Tags\":[\"a\\|b\",2,null],\"When\":\"2024-01-02T00:00:00Z\"} |", DataRenderer.Render([record], InputFormat.Table));
        Assert.EndsWith("x,\"{\"\"Size\"\":1.5,\"\"Tags\"\":[\"\"a|b\"\",2,null],\"\"When\"\":\"\"2024-01-02T00:00:00Z\"\"}\"", DataRenderer.Render([record], InputFormat.Csv));

        using var parsed = JsonDocument.Parse(DataRenderer.Render([record], InputFormat.Json));
        var info = parsed.RootElement[0].GetProperty("Info");
        Assert.Equal(1.5, info.GetProperty("Size").GetDouble());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("Tags")[2].ValueKind);
    }

    [Fact]
    public void NonFiniteNumbersStayValidJson()
    {
        var text = DataRenderer.Render([One(("A", double.PositiveInfinity), ("B", double.NaN))], InputFormat.Json);

        Assert.Equal("[\n{\"A\":\"Infinity\",\"B\":\"NaN\"}\n]", text);
    }

    [Fact]
    public void TextIsLeftToTheCmdletLayer() =>
        Assert.Throws<ArgumentException>(() => DataRenderer.Render([One(("A", 1))], InputFormat.Text));

    [Fact]
    public void RecordsOfDifferentShapesAreNotOneBlock()
    {
        var error = Assert.Throws<ArgumentException>(() => DataRenderer.Render([One(("A", 1)), One(("B", 1))], InputFormat.Table));
        Assert.Contains("record 1", error.Message);
    }

    [Fact]
    public void NoRecordsRenderAsNothing()
    {
        Assert.Equal("", DataRenderer.Render([], InputFormat.Table));
        Assert.Equal("", DataRenderer.Render([], InputFormat.Csv));
        Assert.Equal("[]", DataRenderer.Render([], InputFormat.Json));
    }

    [Fact]
    public void ARecordNeedsOneValuePerColumn() =>
        Assert.Throws<ArgumentException>(() => new DataRecord("T", ["A", "B"], [1]));
}
