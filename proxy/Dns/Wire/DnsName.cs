
namespace FilterProxy.Dns.Wire;

/// <summary>
/// Domain names on the wire (RFC 1035 §3.1, §4.1.4). Compression pointers must point strictly backwards
/// (which also rules out loops) and a name may not exceed 255 bytes, so a hostile packet costs O(length).
/// </summary>
internal static class DnsName
{
    /// <summary>Reads a name into presentation form ("www.example.com", no trailing dot) and advances past it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, ref int offset, Span<char> destination, out int length, out bool unusual)
    {
        length = 0;
        unusual = false;
        int position = offset;
        int end = -1;          // where the caller continues: after the first pointer, or after the root label
        int wireLength = 1;    // the root label
        int lowestTarget = position;
        while (true)
        {
            if (position >= packet.Length)
            {
                return false;
            }

            byte b = packet[position];
            if (b == 0)
            {
                offset = end >= 0 ? end : position + 1;
                return true;
            }

            switch (b & 0xC0)
            {
                case 0xC0:
                    if (position + 1 >= packet.Length)
                    {
                        return false;
                    }

                    int target = ((b & 0x3F) << 8) | packet[position + 1];
                    if (target >= lowestTarget)
                    {
                        return false; // forward or self pointer: could loop
                    }

                    if (end < 0)
                    {
                        end = position + 2;
                    }

                    lowestTarget = target;
                    position = target;
                    continue;
                case 0x00:
                    int labelLength = b;
                    if (position + 1 + labelLength > packet.Length)
                    {
                        return false;
                    }

                    wireLength += labelLength + 1;
                    if (wireLength > DnsLimits.MaxNameLength)
                    {
                        return false;
                    }

                    if (length > 0)
                    {
                        destination[length++] = '.';
                    }

                    foreach (byte c in packet.Slice(position + 1, labelLength))
                    {
                        bool ordinary = c is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_';
                        if (!ordinary)
                        {
                            unusual = true;
                        }

                        destination[length++] = ordinary ? (char)c : '?';
                    }

                    position += 1 + labelLength;
                    continue;
                default:
                    return false; // 0x40 / 0x80 label types are obsolete or unassigned
            }
        }
    }

    /// <summary>Skips a name without decoding it (pointers end a name).</summary>
    public static bool TrySkip(ReadOnlySpan<byte> packet, ref int offset)
    {
        int wireLength = 1;
        while (offset < packet.Length)
        {
            byte b = packet[offset];
            if (b == 0)
            {
                offset++;
                return true;
            }

            if ((b & 0xC0) == 0xC0)
            {
                offset += 2;
                return offset <= packet.Length;
            }

            if ((b & 0xC0) != 0)
            {
                return false;
            }

            wireLength += b + 1;
            offset += b + 1;
            if (wireLength > DnsLimits.MaxNameLength)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Reads a (possibly compressed) name as a lower-case string; null if malformed (allocates).</summary>
    public static string? ReadString(ReadOnlySpan<byte> packet, ref int offset)
    {
        Span<char> buffer = stackalloc char[DnsLimits.MaxNameChars];
        return TryRead(packet, ref offset, buffer, out int length, out _) ? new string(buffer[..length]).ToLowerInvariant() : null;
    }

    /// <summary>Writes a presentation-form name uncompressed; returns bytes written, or -1 if it does not fit or is invalid.</summary>
    public static int Write(ReadOnlySpan<char> name, Span<byte> destination)
    {
        name = name.TrimEnd('.');
        int written = 0;
        if (!name.IsEmpty)
        {
            foreach (Range r in name.Split('.'))
            {
                ReadOnlySpan<char> label = name[r];
                if (label.IsEmpty || label.Length > DnsLimits.MaxLabelLength || written + 1 + label.Length >= destination.Length)
                {
                    return -1;
                }

                destination[written++] = (byte)label.Length;
                foreach (char c in label)
                {
                    destination[written++] = (byte)c;
                }
            }
        }

        if (written + 1 > destination.Length || written + 1 > DnsLimits.MaxNameLength)
        {
            return -1;
        }

        destination[written++] = 0;
        return written;
    }

    public static bool EqualsIgnoreCase(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => a.Equals(b, StringComparison.OrdinalIgnoreCase);
}
