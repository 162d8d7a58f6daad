using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>
/// End users' latest reactions to one kind of response (a product, or a product's category), newest last: what the
/// end-user negative-rate trigger reads. One document per kind, so reading it costs the same however long the history.
/// </summary>
public sealed record UserReactionWindow : ISignal
{
    /// <summary>Reactions remembered per kind: enough to see a redelivered feedback id again, and more than any window.</summary>
    public const int Kept = 100;

    /// <summary>The kind (<see cref="ResponseKind.KeyOf"/>).</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public string? Category { get; init; }
    public IReadOnlyList<UserReaction> Recent { get; init; } = [];
    public DateTime UpdatedAt { get; init; }

    public static UserReactionWindow Empty(string productId, string? category) =>
        new() { Id = ResponseKind.KeyOf(productId, category), ProductId = productId, Category = ResponseKind.CategoryOf(category) };

    /// <summary>How people read the kind: "support-bot" or "support-bot/billing".</summary>
    public string Name => Category is null ? ProductId : $"{ProductId}/{Category}";

    /// <summary>The window with the reaction added, or null when this feedback id is in it already (a redelivery).</summary>
    /// <param name="at">When the end user reacted, as the product says.</param>
    /// <param name="now">When the Router counts it: the order replicas refresh in, so it comes from the Router's clock.</param>
    public UserReactionWindow? With(string feedbackId, bool negative, DateTime at, DateTime now)
    {
        if (Recent.Any(r => r.FeedbackId == feedbackId))
        {
            return null;
        }

        return this with
        {
            Version = Version + 1,
            Recent = [.. Recent.Append(new UserReaction(feedbackId, negative, at)).TakeLast(Kept)],
            UpdatedAt = now > UpdatedAt ? now : UpdatedAt,
        };
    }

    /// <summary>Of the latest <paramref name="window"/> reactions, how many there are and how many were negative.</summary>
    public (int Rated, int Negative) Latest(int window)
    {
        var latest = Recent.TakeLast(window).ToList();
        return (latest.Count, latest.Count(r => r.Negative));
    }
}

/// <summary>One end-user reaction: negative is a thumbs down or one or two stars.</summary>
public sealed record UserReaction(string FeedbackId, bool Negative, DateTime At);
