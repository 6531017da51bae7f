using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FilterProxy.Classifier.Features;
using FilterProxy.Classifier.Normalisation;

namespace FilterProxy.Classifier.Model;

/// <summary>
/// A multiclass maximum-entropy (multinomial logistic) model over hashed word and character n-grams:
/// score(c) = bias(c) + Σ word features · W[f, c] / ‖word block‖ + Σ char features · W[f, c] / ‖char block‖, then softmax.
/// Weights are kept row by row, each row padded to a whole number of SIMD vectors, so one feature occurrence is a
/// couple of vector adds. For scoring, each row is also kept as 16 signed bytes with one scale per row (a quarter of
/// the memory, so far fewer cache misses on a big page; about 1% error per weight); explanations and the model file
/// use the full weights. Immutable once built; safe to share between threads.
/// </summary>
public sealed class TextModel
{
    private const int QuantisedStride = 16;

    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly sbyte[]? _quantised;
    private readonly float[]? _rowScale;
    /// <summary>Per-thread working memory, grown to the largest model the thread has used (no allocation per call).</summary>
    [ThreadStatic]
    private static Scratch? t_scratch;

    internal TextModel(ModelHeader header, float[] weights, float[] bias, int stride, Vocabulary? vocabulary, bool quantise = true)
    {
        Header = header;
        Vocabulary = header.VocabularyWords == (vocabulary?.Count ?? 0)
            ? vocabulary
            : throw new InvalidDataException($"model header names {header.VocabularyWords} vocabulary words, the payload has {vocabulary?.Count ?? 0}");
        _weights = weights;
        _bias = bias;
        Stride = stride;
        Classes = header.Labels.Count;
        if (quantise && Classes <= QuantisedStride && Avx2.IsSupported && Fma.IsSupported)
        {
            (_quantised, _rowScale) = Quantise(weights, stride, Classes, header.Features.Rows);
        }
    }

    private static (sbyte[] Quantised, float[] Scale) Quantise(float[] weights, int stride, int classes, int rows)
    {
        sbyte[] quantised = new sbyte[rows * QuantisedStride];
        float[] scale = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = weights.AsSpan(r * stride, classes);
            float max = 0;
            foreach (float w in row)
            {
                max = Math.Max(max, Math.Abs(w));
            }

            scale[r] = max / 127f;
            for (int c = 0; c < classes && max > 0; c++)
            {
                quantised[(r * QuantisedStride) + c] = (sbyte)Math.Round(row[c] / scale[r]);
            }
        }

        return (quantised, scale);
    }

    public ModelHeader Header { get; }

    /// <summary>The training text's words: text is read through it before it is scored (null: a model trained without).</summary>
    public Vocabulary? Vocabulary { get; }

    /// <summary>The same weights with another header (the training command records its held-out metrics this way).</summary>
    public TextModel WithHeader(ModelHeader header) =>
        header.Labels.SequenceEqual(Header.Labels) && header.Features == Header.Features
            ? new TextModel(header, _weights, _bias, Stride, Vocabulary)
            : throw new ArgumentException("a model's labels and features cannot change", nameof(header));

    public int Classes { get; }

    /// <summary>The same model scored with full float weights (the path for machines without AVX2; tests compare the two).</summary>
    internal TextModel WithoutQuantisation() => new(Header, _weights, _bias, Stride, Vocabulary, quantise: false);

    /// <summary>Floats per weight row (classes rounded up to whole vectors).</summary>
    internal int Stride { get; }

    internal ReadOnlySpan<float> Bias => _bias;

    internal ReadOnlySpan<float> Row(int row) => _weights.AsSpan(row * Stride, Classes);

    public int IndexOf(string label)
    {
        for (int i = 0; i < Classes; i++)
        {
            if (string.Equals(Header.Labels[i], label, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    internal static int StrideFor(int classes) => (classes + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

    /// <summary>Writes the probability of each label for normalised <paramref name="text"/>; allocation-free after warm-up.</summary>
    public void Predict(ReadOnlySpan<char> text, Span<float> probabilities)
    {
        Scratch? scratch = t_scratch;
        if (scratch is null || scratch.Counts.Length < Header.Features.Rows || scratch.Word.Length < Stride)
        {
            t_scratch = scratch = new Scratch(Math.Max(Header.Features.Rows, scratch?.Counts.Length ?? 0), Math.Max(Stride, scratch?.Word.Length ?? 0));
        }

        scratch.Begin(text.Length);
        if (_quantised is not null)
        {
            var quantised = new QuantisedVisitor(_quantised, _rowScale!, scratch);
            Featurizer.Visit(Header.Features, text, ref quantised);
            quantised.Finish(_bias, probabilities[..Classes]);
            return;
        }

        var visitor = new ScoreVisitor(_weights, Stride, scratch);
        Featurizer.Visit(Header.Features, text, ref visitor);
        visitor.Finish(_bias, probabilities[..Classes]);
    }

    /// <summary>bias + each block's sums ÷ that block's L2 norm, then softmax: the end of both scoring loops.</summary>
    private static void Score(ReadOnlySpan<float> bias, ReadOnlySpan<float> word, ReadOnlySpan<float> chars, long wordSquares, long charSquares, Span<float> probabilities)
    {
        float wordNorm = wordSquares == 0 ? 0 : 1 / MathF.Sqrt(wordSquares);
        float charNorm = charSquares == 0 ? 0 : 1 / MathF.Sqrt(charSquares);
        for (int c = 0; c < probabilities.Length; c++)
        {
            probabilities[c] = bias[c] + (word[c] * wordNorm) + (chars[c] * charNorm);
        }

        Softmax(probabilities);
    }

    /// <summary>Softmax in place.</summary>
    internal static void Softmax(Span<float> scores)
    {
        float max = float.NegativeInfinity;
        foreach (float s in scores)
        {
            max = Math.Max(max, s);
        }

        float sum = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = MathF.Exp(scores[i] - max);
            sum += scores[i];
        }

        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] /= sum;
        }
    }

    /// <summary>Per-call working memory: feature counts (for the L2 norms), the rows touched, two score accumulators.</summary>
    private sealed class Scratch(int rows, int stride)
    {
        /// <summary>Short texts count in a small hash table (slots of row + 1 and count) that stays in cache.</summary>
        private const int MaxTableSlots = 1 << 14;

        public readonly int[] Counts = new int[rows];
        public readonly long[] Table = new long[MaxTableSlots];
        public int[] Touched = new int[4096];
        public readonly float[] Word = new float[stride];
        public readonly float[] Char = new float[stride];
        private int _mask;
        private int _shift;

        /// <summary>Chooses where this call counts: the small table when the text's features fit it at half load.</summary>
        public void Begin(int textLength)
        {
            long features = 5L * (textLength + 1);
            int slots = (int)Math.Min(MaxTableSlots, BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, features * 2)));
            _mask = features * 2 <= MaxTableSlots ? slots - 1 : 0;
            _shift = 32 - BitOperations.Log2((uint)slots);
        }

        /// <summary>Counts one occurrence of <paramref name="row"/>; returns how much its count's square grew (2n + 1).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public long Count(int row, ref int touched)
        {
            if (_mask != 0)
            {
                return CountInTable(row, ref touched);
            }

            ref int count = ref Counts[row];
            if (count == 0)
            {
                Touch(row, ref touched);
            }

            return (2L * count++) + 1;
        }

        private long CountInTable(int row, ref int touched)
        {
            long key = (long)(row + 1) << 32;
            int slot = (int)(((uint)row * 0x9E3779B1u) >> _shift);
            while (true)
            {
                ref long entry = ref Table[slot];
                if (entry == 0)
                {
                    entry = key | 1;
                    Touch(slot, ref touched);
                    return 1;
                }

                if ((entry & ~0xFFFFFFFFL) == key)
                {
                    long count = entry & 0xFFFFFFFFL;
                    entry++;
                    return (2 * count) + 1;
                }

                slot = (slot + 1) & _mask;
            }
        }

        private void Touch(int index, ref int touched)
        {
            if (touched == Touched.Length)
            {
                Array.Resize(ref Touched, Touched.Length * 2);
            }

            Touched[touched++] = index;
        }

        /// <summary>Zeroes the counts (or table slots) touched, ready for the next call.</summary>
        public void Reset(int touched)
        {
            if (_mask != 0)
            {
                for (int i = 0; i < touched; i++)
                {
                    Table[Touched[i]] = 0;
                }

                return;
            }

            for (int i = 0; i < touched; i++)
            {
                Counts[Touched[i]] = 0;
            }
        }
    }

    private struct ScoreVisitor(float[] weights, int stride, Scratch scratch) : IFeatureVisitor
    {
        private long _wordSquares;
        private long _charSquares;
        private int _touched;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Feature(int row, bool word, int start, int length)
        {
            long squares = scratch.Count(row, ref _touched);
            ref float acc = ref MemoryMarshal.GetArrayDataReference(word ? scratch.Word : scratch.Char);
            if (word)
            {
                _wordSquares += squares;
            }
            else
            {
                _charSquares += squares;
            }

            ref float w = ref MemoryMarshal.GetArrayDataReference(weights);
            int at = row * stride;
            for (int v = 0; v < stride; v += Vector<float>.Count)
            {
                Vector<float> sum = Vector.LoadUnsafe(ref acc, (nuint)v) + Vector.LoadUnsafe(ref w, (nuint)(at + v));
                sum.StoreUnsafe(ref acc, (nuint)v);
            }
        }

        public void Finish(ReadOnlySpan<float> bias, Span<float> probabilities)
        {
            Score(bias, scratch.Word, scratch.Char, _wordSquares, _charSquares, probabilities);
            scratch.Reset(_touched);
            Array.Clear(scratch.Word);
            Array.Clear(scratch.Char);
        }
    }

    /// <summary>The scoring loop over the byte-quantised rows: per feature, 16 bytes widened to floats and multiply-added.</summary>
    private struct QuantisedVisitor(sbyte[] quantised, float[] rowScale, Scratch scratch) : IFeatureVisitor
    {
        private Vector256<float> _wordLow;
        private Vector256<float> _wordHigh;
        private Vector256<float> _charLow;
        private Vector256<float> _charHigh;
        private long _wordSquares;
        private long _charSquares;
        private int _touched;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Feature(int row, bool word, int start, int length)
        {
            long squares = scratch.Count(row, ref _touched);
            Vector128<sbyte> q = Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(quantised), (nuint)(row * QuantisedStride));
            Vector256<float> low = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q));
            Vector256<float> high = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(q.AsByte(), 8).AsSByte()));
            Vector256<float> scale = Vector256.Create(Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(rowScale), row));
            if (word)
            {
                _wordSquares += squares;
                _wordLow = Fma.MultiplyAdd(low, scale, _wordLow);
                _wordHigh = Fma.MultiplyAdd(high, scale, _wordHigh);
            }
            else
            {
                _charSquares += squares;
                _charLow = Fma.MultiplyAdd(low, scale, _charLow);
                _charHigh = Fma.MultiplyAdd(high, scale, _charHigh);
            }
        }

        public void Finish(ReadOnlySpan<float> bias, Span<float> probabilities)
        {
            Span<float> word = stackalloc float[QuantisedStride];
            Span<float> chars = stackalloc float[QuantisedStride];
            _wordLow.CopyTo(word);
            _wordHigh.CopyTo(word[8..]);
            _charLow.CopyTo(chars);
            _charHigh.CopyTo(chars[8..]);
            Score(bias, word, chars, _wordSquares, _charSquares, probabilities);
            scratch.Reset(_touched);
        }
    }
}
