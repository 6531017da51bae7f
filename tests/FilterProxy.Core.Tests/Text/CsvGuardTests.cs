using FilterProxy.Core.Text;

namespace FilterProxy.Core.Tests.Text;

public sealed class CsvGuardTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1+1", "'\t=1+1")]          // a tab first: some spreadsheets skip it and run the formula
    [InlineData("\r=1+1", "\"'\r=1+1\"")]      // a carriage return first: guarded, then quoted (it is a line break)
    [InlineData("plain", "plain")]
    public void Line_GuardsEveryFormulaStart(string value, string expected) =>
        Assert.Equal(expected, Csv.Line([value]));
}
