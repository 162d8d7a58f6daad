using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>End users' reaction windows by kind of response.</summary>
public sealed class UserReactionBoard(IDocumentStoreFactory stores) : SignalBoard<UserReactionWindow>(stores, "user-reactions")
{
    /// <summary>The window for the response's category, else for its product; null before any reaction.</summary>
    public UserReactionWindow? For(string productId, string? category) => Find(ResponseKind.KeyOf(productId, category));

    /// <summary>Adds a reaction once per feedback id; returns the window as stored.</summary>
    public async Task<UserReactionWindow> RecordAsync(
        string productId, string? category, string feedbackId, bool negative, DateTime at, DateTime now, CancellationToken cancellationToken)
    {
        var stored = await Documents.UpsertAsync(UserReactionWindow.Empty(productId, category), w => w.With(feedbackId, negative, at, now), cancellationToken);
        Keep(stored);
        return stored;
    }
}
