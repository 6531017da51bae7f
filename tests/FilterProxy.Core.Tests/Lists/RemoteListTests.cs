using System.Net;
using System.Net.Sockets;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Lists;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Lists;

/// <summary>A list served over HTTP on loopback: downloaded, re-validated with ETag, and kept when the server is down.</summary>
public sealed class RemoteListTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly HttpListener _server = new();
    private readonly string _url;
    private int _requests;
    private int _notModified;
    private string _body = "remote.example\nsecond.example\n";

    public RemoteListTests()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _url = $"http://127.0.0.1:{port}/";
        _server.Prefixes.Add(_url);
        _server.Start();
        _ = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (_server.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _server.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            string etag = $"\"{_body.GetHashCode(StringComparison.Ordinal):x}\"";
            if (context.Request.Headers["If-None-Match"] == etag)
            {
                Interlocked.Increment(ref _notModified);
                context.Response.StatusCode = 304;
            }
            else
            {
                context.Response.Headers["ETag"] = etag;
                byte[] bytes = System.Text.Encoding.UTF8.GetBytes(_body);
                await context.Response.OutputStream.WriteAsync(bytes);
            }

            context.Response.Close();
        }
    }

    private async Task<ListReport> Build(HttpClient? http, string path = "list.txt")
    {
        var source = new ListSource("remote", ListFormat.Domains, _url + path, Category.Malware, new Dictionary<string, Category?>(), TimeSpan.FromHours(1));
        ListCatalog catalog = await new ListCatalogBuilder(_dir.Path, http, TimeProvider.System).BuildAsync([source]);
        return catalog.Reports.Single(r => r.Name == "remote");
    }

    [Fact]
    public async Task Download_Revalidate_ServerDown_KeepsLastCopy()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        ListReport first = await Build(http);
        Assert.Null(first.Error);
        Assert.Equal(2, first.Domains);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "remote.list")));

        ListReport second = await Build(http);                  // conditional GET: 304, same content
        Assert.Equal(1, _notModified);
        Assert.Equal(2, second.Domains);

        _body = "remote.example\nsecond.example\nthird.example\n";  // the list changes upstream
        ListReport third = await Build(http);
        Assert.Equal(3, third.Domains);

        _server.Stop();                                         // the list server goes away
        ListReport offline = await Build(http);
        Assert.Equal(3, offline.Domains);                       // nothing lost
        Assert.True(offline.Stale);
        Assert.Contains("download failed", offline.Error, StringComparison.Ordinal);
        Assert.Equal(third.LastRefresh, offline.LastRefresh);  // says how old the copy in use is
    }

    [Fact]
    public async Task Offline_UsesCache_OrSaysItWasNeverDownloaded()
    {
        ListReport never = await Build(http: null);
        Assert.Contains("has not been downloaded yet", never.Error, StringComparison.Ordinal);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Build(http);
        int requests = _requests;
        ListReport offline = await Build(http: null);
        Assert.Equal(2, offline.Domains);
        Assert.Null(offline.Error);
        Assert.Equal(requests, _requests);                      // offline means no request
    }

    [Fact]
    public async Task ServerError_WithNoCopy_IsReported()
    {
        _server.Stop();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        ListReport r = await Build(http);

        Assert.Equal(0, r.Domains);
        Assert.Contains("failed and there is no earlier copy", r.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _server.Close();
        _dir.Dispose();
    }
}
