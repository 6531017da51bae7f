using System.Buffers.Binary;
using System.Text;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>Builds query packets byte by byte (independently of the product's writer).</summary>
internal static class DnsPackets
{
    public static byte[] Query(string name, ushort type = 1, ushort id = 0x1234, bool edns = false, bool dnssecOk = false, ushort udpSize = 1232)
    {
        var bytes = new List<byte>();
        bytes.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, (byte)(edns ? 1 : 0)]);
        foreach (string label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        bytes.AddRange([(byte)(type >> 8), (byte)type, 0, 1]);
        if (edns)
        {
            bytes.AddRange([0, 0, 41, (byte)(udpSize >> 8), (byte)udpSize, 0, 0, (byte)(dnssecOk ? 0x80 : 0), 0, 0, 0]);
        }

        return [.. bytes];
    }

    public static int Rcode(ReadOnlySpan<byte> response) => response[3] & 0xF;

    public static int AnswerCount(ReadOnlySpan<byte> response) => BinaryPrimitives.ReadUInt16BigEndian(response[6..]);

    public static bool Truncated(ReadOnlySpan<byte> response) => (response[2] & 0x02) != 0;

    public static ushort Id(ReadOnlySpan<byte> response) => BinaryPrimitives.ReadUInt16BigEndian(response);
}
