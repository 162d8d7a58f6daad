using HitlLoop.MlTeamWorker;

// HITL_AMQP_URI=amqp://guest:guest@localhost:5672/ HITL_ML_API_KEY=demo-ml-key dotnet run --project examples/HitlLoop.MlTeamWorker
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddMlTeamWorker(
    new Uri(builder.Configuration["HITL_AMQP_URI"] ?? "amqp://guest:guest@localhost:5672/"),
    new MlTeamOptions { ApiKey = builder.Configuration["HITL_ML_API_KEY"] ?? throw new InvalidOperationException("Set HITL_ML_API_KEY to the ML team's API key.") });
await builder.Build().RunAsync();
