using System.Buffers;

namespace FilterProxy.Classifier.Extraction;

/// <summary>Extracted text in a rented buffer (no large-object-heap strings per page); dispose to return it.</summary>
public struct PooledText : IDisposable
{
    private char[]? _buffer;
    private readonly int _length;

    internal PooledText(char[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public readonly ReadOnlySpan<char> Text => _buffer.AsSpan(0, _length);

    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<char>.Shared.Return(b);
        }
    }
}
