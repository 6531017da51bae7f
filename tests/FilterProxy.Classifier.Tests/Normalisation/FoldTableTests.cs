using FilterProxy.Classifier.Normalisation;

namespace FilterProxy.Classifier.Tests.Normalisation;

public sealed class FoldTableTests
{
    [Fact]
    public void ShippedTable_AgreesWithIcu_ForEveryBmpCharacter()
    {
        // The table is generated from ICU (classifier fold-table); if this machine's ICU disagrees, regenerate it.
        FoldTable table = FoldTable.Shipped;
        var differences = new List<string>();
        for (int cp = 0; cp < 0x10000; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            string s = char.ConvertFromUtf32(cp);
            string expected = FoldTableBuilder.Fold(cp, s);
            string actual = table.Lookup(cp) ?? s;
            if (expected != actual && differences.Count < 10)
            {
                differences.Add($"U+{cp:X4}: table '{actual}', ICU '{expected}'");
            }
        }

        Assert.Empty(differences);
    }

    [Fact]
    public void Table_RoundTrips_AndRejectsAForeignFile()
    {
        var map = new SortedDictionary<int, string> { ['A'] = "a", [0x1D41A] = "a", [0x200B] = "" };
        using var stream = new MemoryStream();
        FoldTableBuilder.Write(map, stream);
        stream.Position = 0;
        FoldTable table = FoldTable.Read(stream);

        Assert.Equal("a", table.Lookup('A'));
        Assert.Equal("a", table.Lookup(0x1D41A));
        Assert.Equal("", table.Lookup(0x200B));
        Assert.Null(table.Lookup('b'));
        Assert.Throws<InvalidDataException>(() => FoldTable.Read(new MemoryStream("NOPE...."u8.ToArray())));
    }
}
