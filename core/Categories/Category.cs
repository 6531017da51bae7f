namespace FilterProxy.Core.Categories;

/// <summary>
/// FilterProxy's categories. The numeric ids are stable forever: they are bit positions in
/// <see cref="CategorySet"/>, are written into events and are referenced by saved policy.
/// Add new categories at the end; never renumber.
/// </summary>
public enum Category : byte
{
    /// <summary>Child sexual abuse material (IWF URL list). Sealed: always blocked.</summary>
    Csam = 0,
    /// <summary>Terrorist content (CTIRU list). Sealed: always blocked.</summary>
    Terrorism = 1,
    Discrimination = 2,
    Drugs = 3,
    Extremism = 4,
    Gambling = 5,
    Malware = 6,
    Pornography = 7,
    Piracy = 8,
    SelfHarm = 9,
    Violence = 10,
    SocialMedia = 11,
    Chat = 12,
    Games = 13,
    Dating = 14,
    Streaming = 15,
    Proxies = 16,
    AlcoholTobacco = 17,
    DnsOverHttps = 18,
    /// <summary>AI chat services (ChatGPT, Gemini, Claude, Character.AI…): their answers are still checked where allowed.</summary>
    AiChat = 19,
}
