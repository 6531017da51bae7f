namespace FilterProxy.Core.Text;

/// <summary>
/// Replaces a small file whole: written to a temporary file beside it, flushed, then renamed over it, so a crash leaves the
/// old or the new file and never half of one. Owner-only on Unix when asked (accounts, policy edits).
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text, bool ownerOnly = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
