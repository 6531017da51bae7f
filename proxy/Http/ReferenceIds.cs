namespace FilterProxy.Http;

/// <summary>
/// Short, unique reference ids for block pages and events ("K7QX-00042A"): a random per-process prefix and a
/// counter, so making one costs an increment, and ids from two gateway nodes do not collide in practice.
/// </summary>
internal static class ReferenceIds
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static readonly string s_prefix = string.Create(4, 0, static (span, _) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
    });

    private static long s_counter;

    public static string Next()
    {
        long n = Interlocked.Increment(ref s_counter);
        return string.Create(11, n, static (span, value) =>
        {
            s_prefix.AsSpan().CopyTo(span);
            span[4] = '-';
            for (int i = 10; i >= 5; i--)
            {
                span[i] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });
    }
}
