using FilterProxy.Events.Keywords;

namespace FilterProxy.Events;

/// <summary>
/// The monitored keywords in force: the built-in list plus the configured files, re-read when the list of
/// files or any file's size or time changes (checked at most once a second). Bad lines are logged by
/// file and line and skipped. <paramref name="schoolFile"/> is the list the admin UI edits (<c>&lt;data&gt;/admin/keywords.txt</c>),
/// always included when it exists.
/// </summary>
internal sealed partial class KeywordSource(ILogger<KeywordSource> logger, string? schoolFile = null)
{
    private readonly Lock _gate = new();
    private KeywordMatcher? _matcher;
    private string _fingerprint = "";
    private long _checkedAt;

    public KeywordMatcher For(IReadOnlyList<string> files)
    {
        long now = Environment.TickCount64;
        if (_matcher is { } current && now - Volatile.Read(ref _checkedAt) < 1000)
        {
            return current;
        }

        lock (_gate)
        {
            IEnumerable<string> all = schoolFile is null ? files : files.Append(schoolFile);
            string fingerprint = string.Join("|", all.Select(static f => File.Exists(f) ? $"{f}:{new FileInfo(f).Length}:{File.GetLastWriteTimeUtc(f).Ticks}" : f + ":missing"));
            Volatile.Write(ref _checkedAt, now);
            if (_matcher is not null && fingerprint == _fingerprint)
            {
                return _matcher;
            }

            (KeywordMatcher matcher, List<KeywordError> errors) = KeywordList.Load(all.Where(File.Exists));
            foreach (KeywordError error in errors)
            {
                Log.KeywordLineRejected(logger, error.ToString());
            }

            Log.KeywordsLoaded(logger, matcher.Count, files.Count);
            _fingerprint = fingerprint;
            _matcher = matcher;
            return matcher;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(80, LogLevel.Warning, "Keyword list line skipped: {Error}")]
        public static partial void KeywordLineRejected(ILogger logger, string error);

        [LoggerMessage(81, LogLevel.Information, "Monitored keywords: {Count} (built-in list and {Files} file(s))")]
        public static partial void KeywordsLoaded(ILogger logger, int count, int files);
    }
}
