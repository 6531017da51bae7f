namespace FilterProxy.Core.Lists;

/// <summary>The list formats schools already have.</summary>
public enum ListFormat
{
    /// <summary>One domain per line; <c>#</c> comments.</summary>
    Domains,
    /// <summary>A hosts file: <c>0.0.0.0 name [name…]</c>.</summary>
    Hosts,
    /// <summary>AdBlock-style: <c>||domain^</c>, <c>@@||domain^</c> exceptions, <c>!</c> comments.</summary>
    AdBlock,
    /// <summary>URL prefixes, one per line (<c>host/path</c>), as in IWF, CTIRU and UT1 <c>urls</c> files.</summary>
    Urls,
    /// <summary>A UT1/squidGuard folder (or .tar.gz) of <c>&lt;category&gt;/domains</c> and <c>&lt;category&gt;/urls</c>.</summary>
    Ut1,
}
