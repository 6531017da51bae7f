using FilterProxy.Core.Events;
using FilterProxy.Http.Search;

namespace FilterProxy.Proxy.Tests.Http;

/// <summary>
/// Prompts to AI chat services are search terms: read from the chat request, scored, stored on the event; a risky
/// one gets help in place of the answer; the service itself is the ai-chat category (blocked for ks2, allowed and
/// monitored for secondary). End to end with curl against a local OpenAI-shaped endpoint, plain and intercepted.
/// </summary>
public sealed class AiPromptTests(ProxyFixture fx) : IClassFixture<ProxyFixture>
{
    private const string Secondary = "127.0.0.4";
    private const string Ks2 = "127.0.0.2";

    [Theory]
    [InlineData("http")]
    [InlineData("https")] // intercepted
    public async Task SecondaryPupil_PromptIsAScoredSearchTerm_AndTheAnswerStillComes(string scheme)
    {
        string url = $"{Endpoint(scheme)}?t={Guid.NewGuid():N}";

        string output = await Post(scheme, Secondary, url, Chat("Can you help me revise photosynthesis for my science test?"));

        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        Assert.Contains("data: [DONE]", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == url);
        Assert.Equal(EventKind.Search, e.Kind);
        Assert.Equal("Can you help me revise photosynthesis for my science test?", e.SearchTerm);
        Assert.Equal("allow", e.Verdict);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task RiskyPrompt_GetsHelpInPlaceOfTheAnswer_AsTheChatAppsOwnStream_ThenGoesOnOnce(string scheme)
    {
        string url = $"{Endpoint(scheme)}?t={Guid.NewGuid():N}";
        string prompt = Chat("what is the most painless way to kill myself tonight");

        string help = await Post(scheme, Secondary, url, prompt);

        Assert.Contains("text/event-stream", help, StringComparison.Ordinal);
        Assert.Contains("\"delta\":{\"role\":\"assistant\",\"content\":\"It sounds like things might be hard right now.", help, StringComparison.Ordinal);
        Assert.Contains("event: filterproxy-help", help, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == url);
        Assert.Equal(("block", "risky-search-help", "critical"), (e.Verdict, e.Reason, e.Risk));
        Assert.Equal("what is the most painless way to kill myself tonight", e.SearchTerm);

        string again = await Post(scheme, Secondary, url, prompt); // secondary may go on: sending it again does, once
        Assert.DoesNotContain("filterproxy-help", again, StringComparison.Ordinal);
        Assert.Contains("data: [DONE]", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ks2_TheAiServiceIsBlocked_AndThePromptIsStillRecorded()
    {
        string url = $"{Endpoint("http")}?t={Guid.NewGuid():N}";

        string output = await Post("http", Ks2, url, Chat("write my homework essay about volcanoes"));

        Assert.StartsWith("HTTP/1.1 403", output, StringComparison.Ordinal);
        FilterEvent e = await fx.EventAsync(e => e.Url == url);
        Assert.Contains("ai-chat", e.Categories);
        Assert.Equal("write my homework essay about volcanoes", e.SearchTerm);
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"first question"},{"role":"assistant","content":"an answer"},{"role":"user","content":"  the   latest\nquestion "}]}""", "the latest question")]
    [InlineData("""{"action":"next","messages":[{"id":"1","author":{"role":"user"},"content":{"content_type":"text","parts":["ChatGPT web prompt"]}}],"model":"auto"}""", "ChatGPT web prompt")]
    [InlineData("""{"model":"claude-sonnet","messages":[{"role":"user","content":[{"type":"text","text":"Claude API prompt"}]}]}""", "Claude API prompt")]
    [InlineData("""{"contents":[{"role":"user","parts":[{"text":"Gemini prompt"}]}]}""", "Gemini prompt")]
    [InlineData("""{"model":"gpt-4.1","input":"Responses API prompt"}""", "Responses API prompt")]
    [InlineData("""{"query_str":"Perplexity prompt","params":{"mode":"concise"}}""", "Perplexity prompt")]
    [InlineData("""{"doc_id":"123","variables":{"message":{"sensitive_string_value":"Meta AI prompt"},"externalConversationId":"x"}}""", "Meta AI prompt")]
    [InlineData("""{"prompt":"claude.ai web prompt","timezone":"Europe/London"}""", "claude.ai web prompt")]
    [InlineData("""{"model":"gpt-4o"}""", null)]
    [InlineData("""not json at all""", null)]
    public void PromptReader_FindsTheLastUserMessage_InEachServicesShape(string body, string? expected)
    {
        Assert.Equal(expected, AiPrompts.Read(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("api.openai.com", "/v1/chat/completions", true)]
    [InlineData("chatgpt.com", "/backend-api/conversation", true)]
    [InlineData("eu.chatgpt.com", "/backend-api/conversation", true)]   // a subdomain of a listed host
    [InlineData("notchatgpt.com", "/backend-api/conversation", false)]
    [InlineData("api.openai.com", "/v1/files", false)]
    public void Endpoints_MatchHostAndPathPrefix(string host, string path, bool expected)
    {
        Assert.Equal(expected, AiPrompts.IsEndpoint(FilterProxy.Core.Configuration.HttpSettings.DefaultAiChatEndpoints, host, path));
    }

    private string Endpoint(string scheme) => scheme == "http"
        ? $"http://api.openai.com:{fx.Origin.HttpPort}/v1/chat/completions"
        : $"https://api.openai.com:{fx.Origin.HttpsPort}/v1/chat/completions";

    private Task<string> Post(string scheme, string client, string url, string json) => fx.Curl(
    [
        "--interface", client, .. scheme == "https" ? (string[])["--cacert", fx.SchoolCaFile] : [],
        "-H", "Content-Type: application/json", "-H", "Accept: text/event-stream", "--data-binary", json, url,
    ]);

    private static string Chat(string prompt) => $$"""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(prompt)}}}]}""";
}
