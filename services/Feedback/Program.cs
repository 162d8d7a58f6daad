using HitlLoop.Feedback;
using HitlLoop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddHitlServices(new FeedbackService());

var app = builder.Build();
app.MapHitlServices();
app.Run();
