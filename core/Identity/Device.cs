using System.Net;

namespace FilterProxy.Core.Identity;

public enum DeviceType
{
    SchoolOwned,
    Byod,
    Guest,
    /// <summary>Seen in a DHCP lease but not in the registry: its MAC and lease host name are all that is known.</summary>
    Unregistered,
}

/// <summary>A registered device: found by its static address or, through a DHCP lease, by its MAC address.</summary>
public sealed record Device(string Id, string Name, string? Mac, IPAddress? Ip, string? Owner, DeviceType Type, string? Profile)
{
    /// <summary>How the device appears in events: "id (name)", or the id alone.</summary>
    public string Label { get; } = Name.Length == 0 || Name == Id ? Id : $"{Id} ({Name})";
}
