using System.Text;

namespace FilterProxy.Core.Lists;

/// <summary>
/// Reads UTF-8 lines from a stream into a reused buffer: no string per line. A line is valid until the
/// next call. Lines longer than <see cref="MaxLineChars"/> are reported as too long and skipped whole.
/// </summary>
internal sealed class LineReader(Stream stream)
{
    public const int MaxLineChars = 8192;
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private readonly byte[] _bytes = new byte[64 * 1024];
    private readonly char[] _chars = new char[MaxLineChars];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _skipping;

    public long LineNumber { get; private set; }

    public long BytesRead { get; private set; }

    /// <summary>Reads the next line. <paramref name="tooLong"/> is set for an over-long line (and <paramref name="line"/> is empty).</summary>
    public bool TryReadLine(out ReadOnlySpan<char> line, out bool tooLong)
    {
        while (true)
        {
            ReadOnlySpan<byte> pending = _bytes.AsSpan(_start, _end - _start);
            int newline = pending.IndexOf((byte)'\n');
            if (newline >= 0 || (_eof && pending.Length > 0))
            {
                int length = newline >= 0 ? newline : pending.Length;
                ReadOnlySpan<byte> raw = pending[..length];
                _start += newline >= 0 ? newline + 1 : length;
                LineNumber++;
                if (_skipping)
                {
                    _skipping = false;
                    line = default;
                    tooLong = true;
                    return true;
                }

                if (raw.Length > 0 && raw[^1] == (byte)'\r')
                {
                    raw = raw[..^1];
                }

                if (LineNumber == 1 && raw.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
                {
                    raw = raw[3..];
                }

                if (raw.Length > MaxLineChars)
                {
                    line = default;
                    tooLong = true;
                    return true;
                }

                int count = s_utf8.GetChars(raw, _chars);
                line = _chars.AsSpan(0, count);
                tooLong = false;
                return true;
            }

            if (_eof)
            {
                line = default;
                tooLong = false;
                return false;
            }

            if (_start > 0)
            {
                pending.CopyTo(_bytes);
                _end = pending.Length;
                _start = 0;
            }

            if (_end == _bytes.Length)
            {
                // A line longer than the whole buffer: drop what we have and skip to its end.
                _skipping = true;
                _start = 0;
                _end = 0;
            }

            int read = stream.Read(_bytes, _end, _bytes.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
            BytesRead += read;
        }
    }
}
