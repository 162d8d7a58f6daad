using HitlLoop.Embedded;
using HitlLoop.Feedback;
using HitlLoop.PatternLearner;
using HitlLoop.ReviewQueue;
using HitlLoop.Router;
using HitlLoop.ServiceDefaults;
using HitlLoop.TrainingOrchestrator;

var builder = WebApplication.CreateBuilder(args);
builder.AddHitlServices(new RouterService(), new ReviewQueueService(), new FeedbackService(), new PatternLearnerService(), new TrainingOrchestratorService());

var app = builder.Build();
app.MapHitlServices();
app.MapDemoIngress();
app.AnnounceFirstSteps();
app.Run();
