using HitlLoop.Embedded;
using HitlLoop.Feedback;
using HitlLoop.PatternLearner;
using HitlLoop.ReviewQueue;
using HitlLoop.Router;
using HitlLoop.ServiceDefaults;
using HitlLoop.TrainingOrchestrator;

if (TokenCommand.IsInvoked(args))
{
    // Same configuration sources as the host (appsettings, environment), so the token is signed with the key it validates.
    return TokenCommand.Run(args, WebApplication.CreateBuilder().Configuration, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddHitlServices(new RouterService(), new ReviewQueueService(), new FeedbackService(), new PatternLearnerService(), new TrainingOrchestratorService());

var app = builder.Build();
app.MapHitlServices();
app.AnnounceFirstSteps();
app.Run();
return 0;
