using System.Runtime.InteropServices;

namespace FilterProxy.Hosting;

/// <summary>
/// Every file and directory this process creates is owner-only (umask 077): the data directory holds pupils' searches,
/// sessions and the CA key, and SQLite, the list fetcher and the spool create files of their own. Set once, before
/// anything is written; the data directory is also made 0700 and tightened at start (Core.Text.PrivateFiles).
/// </summary>
internal static class OwnerOnlyFiles
{
    private const uint GroupAndOthers = 0x3F; // 077

    public static void Apply()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            _ = SetUmask(GroupAndOthers);
        }
    }

    // SYSLIB1054 (use LibraryImport) would need unsafe code for the project; one blittable call needs no marshalling.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);
#pragma warning restore SYSLIB1054
}
