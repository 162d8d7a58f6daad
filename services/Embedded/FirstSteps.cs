namespace HitlLoop.Embedded;

public static class FirstSteps
{
    /// <summary>Tells a first-time user, once the host listens, where the reviewer page is and how to feed it.</summary>
    public static void AnnounceFirstSteps(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Urls.FirstOrDefault() ?? "http://localhost:5000";
            app.Logger.LogInformation(
                "HitlLoop is running: reviewers open {ReviewPage} (demo API key: demo-token); post scored responses to {Ingestion} (demo API key: demo-product-key)",
                $"{address}/review/",
                $"{address}/api/responses");
        });
}
