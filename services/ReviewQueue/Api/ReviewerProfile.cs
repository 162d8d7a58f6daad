namespace HitlLoop.ReviewQueue.Api;

/// <summary>Who the signed-in reviewer is, as their token or API key says.</summary>
public sealed record ReviewerProfile(string Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Specializations);
