using System.Text;

namespace FilterProxy.Classifier.Normalisation;

/// <summary>
/// The shipped folding table (see <see cref="FoldTableBuilder"/>): NFKC + lower case + accents off + invisible
/// characters dropped, as one lookup per character. BMP characters index a 64K table; the rest a dictionary.
/// </summary>
public sealed class FoldTable
{
    private const string ResourceName = "fold-table.bin";

    private static readonly Lazy<FoldTable> s_shipped = new(() =>
    {
        using Stream stream = typeof(FoldTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in the classifier assembly");
        return Read(stream);
    });

    /// <summary>0 = unchanged; otherwise an index into <see cref="_folded"/>.</summary>
    private readonly ushort[] _bmp = new ushort[65536];
    private readonly Dictionary<int, ushort> _astral = [];
    private readonly string[] _folded;

    private FoldTable(string[] folded) => _folded = folded;

    public static FoldTable Shipped => s_shipped.Value;

    public int Count => _folded.Length - 1;

    public static FoldTable Read(Stream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!r.ReadBytes(4).AsSpan().SequenceEqual("FPFT"u8))
        {
            throw new InvalidDataException("not a FilterProxy fold table (bad magic)");
        }

        int count = r.ReadInt32();
        if (count is < 0 or > ushort.MaxValue - 1)
        {
            throw new InvalidDataException($"fold table has {count} entries");
        }

        var table = new FoldTable(new string[count + 1]);
        table._folded[0] = "";
        for (int i = 1; i <= count; i++)
        {
            int cp = r.ReadInt32();
            int length = r.ReadByte();
            char[] chars = new char[length];
            for (int c = 0; c < length; c++)
            {
                chars[c] = (char)r.ReadUInt16();
            }

            table._folded[i] = new string(chars);
            if (cp < 65536)
            {
                table._bmp[cp] = (ushort)i;
            }
            else
            {
                table._astral[cp] = (ushort)i;
            }
        }

        return table;
    }

    /// <summary>The folded form of a BMP character, or null when it is unchanged.</summary>
    public string? Bmp(char c)
    {
        ushort index = _bmp[c];
        return index == 0 ? null : _folded[index];
    }

    /// <summary>The folded form of a code point, or null when it is unchanged.</summary>
    public string? Lookup(int codePoint) =>
        codePoint < 65536 ? Bmp((char)codePoint) : _astral.TryGetValue(codePoint, out ushort index) ? _folded[index] : null;
}
