using HitlLoop.Router;
using HitlLoop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddHitlServices(new RouterService());

var app = builder.Build();
app.MapHitlServices();
app.Run();
