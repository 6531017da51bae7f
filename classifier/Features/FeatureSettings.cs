namespace FilterProxy.Classifier.Features;

/// <summary>
/// How text becomes features, as ML.NET's FeaturizeText does it: word n-grams (1..<see cref="WordNgrams"/>) hashed
/// into 2^<see cref="WordBits"/> slots and character n-grams (<see cref="CharMin"/>..<see cref="CharMax"/>, across
/// word boundaries) hashed into 2^<see cref="CharBits"/> slots; each block is L2-normalised on its own.
/// Saved in the model file, so a model always reads text the way it was trained.
/// </summary>
public sealed record FeatureSettings
{
    public int WordBits { get; init; } = 17;
    public int CharBits { get; init; } = 17;
    public int WordNgrams { get; init; } = 2;
    public int CharMin { get; init; } = 3;
    public int CharMax { get; init; } = 5;

    public int WordSlots => 1 << WordBits;

    public int Rows => (1 << WordBits) + (1 << CharBits);

    public void Validate()
    {
        if (WordBits is < 8 or > 24 || CharBits is < 8 or > 24 || WordNgrams is < 1 or > 3 || CharMin < 1 || CharMax < CharMin || CharMax > 8)
        {
            throw new InvalidDataException($"unsupported feature settings: {this}");
        }
    }
}
