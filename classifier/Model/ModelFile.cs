using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FilterProxy.Classifier.Normalisation;

namespace FilterProxy.Classifier.Model;

/// <summary>
/// The versioned binary model file: "FPCM", format version, the JSON header (<see cref="ModelHeader"/>), then a
/// deflated payload (biases as float32, weights as float16, row by row) guarded by its SHA-256. A damaged or
/// foreign file is refused with the reason; it is never half-loaded.
/// </summary>
public static class ModelFile
{
    private static ReadOnlySpan<byte> Magic => "FPCM"u8;

    public static void Write(TextModel model, Stream stream)
    {
        byte[] header = JsonSerializer.SerializeToUtf8Bytes(model.Header, ModelJson.Default.ModelHeader);
        byte[] payload;
        using (var buffer = new MemoryStream())
        {
            using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            {
                deflate.Write(MemoryMarshal.AsBytes(model.Bias));
                Half[] row = new Half[model.Classes];
                for (int r = 0; r < model.Header.Features.Rows; r++)
                {
                    ReadOnlySpan<float> weights = model.Row(r);
                    for (int c = 0; c < row.Length; c++)
                    {
                        row[c] = (Half)weights[c];
                    }

                    deflate.Write(MemoryMarshal.AsBytes(row.AsSpan()));
                }

                foreach (string word in model.Vocabulary?.Words ?? [])
                {
                    deflate.Write(Encoding.UTF8.GetBytes(word));
                    deflate.WriteByte((byte)'\n');
                }
            }

            payload = buffer.ToArray();
        }

        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(ModelHeader.CurrentFormat);
        w.Write(header.Length);
        w.Write(header);
        w.Write(payload.Length);
        w.Write(SHA256.HashData(payload));
        w.Write(payload);
    }

    public static void Save(TextModel model, string path)
    {
        string temporary = path + ".tmp";
        using (FileStream file = File.Create(temporary))
        {
            Write(model, file);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static TextModel Load(string path) => Load(path, Read);

    /// <summary>Reads a model file with <paramref name="read"/>; a damaged file's error names the file.</summary>
    public static T Load<T>(string path, Func<Stream, T> read)
    {
        using FileStream file = File.OpenRead(path);
        try
        {
            return read(file);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static TextModel Read(Stream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("not a FilterProxy model file (bad magic)");
            }

            int format = r.ReadInt32();
            if (format != ModelHeader.CurrentFormat)
            {
                throw new InvalidDataException($"model file format {format}; this FilterProxy reads format {ModelHeader.CurrentFormat}");
            }

            int headerLength = r.ReadInt32();
            if (headerLength is <= 0 or > 1 << 20)
            {
                throw new InvalidDataException($"model header length {headerLength} is out of range");
            }

            ModelHeader header = JsonSerializer.Deserialize(r.ReadBytes(headerLength), ModelJson.Default.ModelHeader)
                ?? throw new InvalidDataException("model header is empty");
            header.Features.Validate();
            if (header.Labels.Count is < 2 or > 64)
            {
                throw new InvalidDataException($"model has {header.Labels.Count} labels");
            }

            int payloadLength = r.ReadInt32();
            byte[] hash = r.ReadBytes(32);
            byte[] payload = r.ReadBytes(payloadLength);
            if (payloadLength <= 0 || payload.Length != payloadLength)
            {
                throw new InvalidDataException("model file is truncated");
            }

            if (!SHA256.HashData(payload).AsSpan().SequenceEqual(hash))
            {
                throw new InvalidDataException("model weights are damaged (checksum mismatch)");
            }

            return ReadPayload(header, payload);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"model file is truncated or malformed: {e.Message}", e);
        }
    }

    private static TextModel ReadPayload(ModelHeader header, byte[] payload)
    {
        int classes = header.Labels.Count;
        int rows = header.Features.Rows;
        int stride = TextModel.StrideFor(classes);
        float[] bias = new float[classes];
        float[] weights = new float[(long)rows * stride > int.MaxValue ? throw new InvalidDataException("model too large") : rows * stride];
        using var deflate = new DeflateStream(new MemoryStream(payload), CompressionMode.Decompress);
        deflate.ReadExactly(MemoryMarshal.AsBytes(bias.AsSpan()));
        Half[] block = new Half[classes * 4096];
        for (int r = 0; r < rows; r += 4096)
        {
            int count = Math.Min(4096, rows - r);
            Span<Half> halves = block.AsSpan(0, count * classes);
            deflate.ReadExactly(MemoryMarshal.AsBytes(halves));
            for (int k = 0; k < count; k++)
            {
                Span<float> row = weights.AsSpan((r + k) * stride, classes);
                for (int c = 0; c < classes; c++)
                {
                    row[c] = (float)halves[(k * classes) + c];
                }
            }
        }

        Vocabulary? vocabulary = null;
        if (header.VocabularyWords > 0)
        {
            using var rest = new MemoryStream();
            deflate.CopyTo(rest);
            vocabulary = new Vocabulary(Encoding.UTF8.GetString(rest.GetBuffer(), 0, (int)rest.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            if (vocabulary.Count != header.VocabularyWords)
            {
                throw new InvalidDataException($"model vocabulary has {vocabulary.Count} words, its header says {header.VocabularyWords}");
            }
        }

        return new TextModel(header, weights, bias, stride, vocabulary);
    }
}
