namespace HitlLoop.Embedded;

/// <summary>Marks this assembly for test hosts; the process itself is all in Program.cs.</summary>
public static class EmbeddedHost;
