using HitlLoop.ReviewQueue;
using HitlLoop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddHitlServices(new ReviewQueueService());

var app = builder.Build();
app.MapHitlServices();
app.Run();
