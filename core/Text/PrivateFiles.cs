namespace FilterProxy.Core.Text;

/// <summary>
/// The data directory holds personal data (pupils' searches, sessions, the school CA's key): it is owner-only (0700), and
/// so is every file in it (0600), SQLite's -wal and -shm side files included. SQLite gives its side files the mode of the
/// database file, so a database is created owner-only before SQLite opens it. No-ops on Windows (ACLs are inherited).
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the directory owner-only, or makes an existing one so.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>Makes a directory and everything beneath it owner-only (files left group- or world-readable by an older version).</summary>
    public static void Tighten(string directory)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(directory))
        {
            return;
        }

        File.SetUnixFileMode(directory, DirectoryMode);
        foreach (string entry in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories))
        {
            try
            {
                var info = new FileInfo(entry);
                if (info.LinkTarget is not null)
                {
                    continue; // never follow a link out of the data directory
                }

                File.SetUnixFileMode(entry, Directory.Exists(entry) ? DirectoryMode : FileMode);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours: nothing to tighten.
            }
        }
    }

    /// <summary>
    /// Before SQLite opens <paramref name="database"/>: its directory exists, the file exists owner-only (so its -wal and
    /// -shm are created owner-only too), and side files an older version left readable are tightened.
    /// </summary>
    public static void PrepareDatabase(string database)
    {
        string full = Path.GetFullPath(database);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(full))
        {
            using var created = new FileStream(full, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }

        foreach (string file in (string[])[full, full + "-wal", full + "-shm", full + "-journal"])
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, FileMode);
            }
        }
    }
}
