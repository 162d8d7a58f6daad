using HitlLoop.TrainingOrchestrator;
using HitlLoop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddHitlServices(new TrainingOrchestratorService());

var app = builder.Build();
app.MapHitlServices();
app.Run();
