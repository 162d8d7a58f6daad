namespace HitlLoop.Embedded;

/// <summary>Names this assembly for hosts that start it by type, such as test servers; Program.cs is the host.</summary>
public sealed class EmbeddedHost
{
    private EmbeddedHost()
    {
    }
}
