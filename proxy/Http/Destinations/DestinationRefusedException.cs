namespace FilterProxy.Http.Destinations;

/// <summary>The proxy refused to connect to an address (see <see cref="DestinationGuard"/>); the message says why.</summary>
internal sealed class DestinationRefusedException(string message) : Exception(message)
{
}
