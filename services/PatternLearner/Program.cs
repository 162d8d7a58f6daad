using HitlLoop.PatternLearner;
using HitlLoop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddHitlServices(new PatternLearnerService());

var app = builder.Build();
app.MapHitlServices();
app.Run();
