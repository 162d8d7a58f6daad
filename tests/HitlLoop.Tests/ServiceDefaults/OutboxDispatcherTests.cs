using System.Reflection;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.Tests.Storage;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;

namespace HitlLoop.Tests.ServiceDefaults;

/// <summary>What a request that changed a document sees when the broker is, or is not, reachable.</summary>
public sealed class OutboxDispatcherTests
{
    private IServiceProvider _services = null!;
    private IDocumentCollection<ContractDocument> _documents = null!;

    [SetUp]
    public async Task Open()
    {
        _documents = StoreBackends.Open("embedded", TestContext.CurrentContext.Test.Name, out _services).GetCollection<ContractDocument>("outbox");
        await _documents.TryInsertAsync(new ContractDocument
        {
            Id = "changed",
            Outbox = [Outbox.Message(new RetrainCompleted { RequestId = "rr-1", NewModelVersion = "m-2" }, TimeProvider.System)],
            OutboxPending = true,
        });
    }

    [TearDown]
    public void Close() => (_services as IDisposable)?.Dispose();

    [Test]
    public async Task With_the_broker_down_the_change_stands_and_its_events_wait_for_the_sweeper()
    {
        var dispatcher = new OutboxDispatcher(FakeBus.Failing(), NullLogger<OutboxDispatcher>.Instance);

        var published = await dispatcher.TryDispatchAsync(_documents, (await _documents.FindByIdAsync("changed"))!);

        Assert.That(published, Is.False);
        Assert.That((await _documents.FindByIdAsync("changed"))!.OutboxPending, Is.True);
    }

    [Test]
    public async Task With_the_broker_up_the_events_are_published_once_and_cleared()
    {
        var bus = FakeBus.Recording();
        var dispatcher = new OutboxDispatcher(bus, NullLogger<OutboxDispatcher>.Instance);

        var published = await dispatcher.TryDispatchAsync(_documents, (await _documents.FindByIdAsync("changed"))!);

        Assert.That(published, Is.True);
        Assert.That(((FakeBus)(object)bus).Published, Has.Exactly(1).InstanceOf<RetrainCompleted>());
        Assert.That((await _documents.FindByIdAsync("changed"))!.OutboxPending, Is.False);
    }

    /// <summary>An <see cref="IBus"/> whose every publish fails, or succeeds and is recorded.</summary>
    public class FakeBus : DispatchProxy
    {
        private bool _fail;

        public List<object> Published { get; } = [];

        public static IBus Failing() => Create(fail: true);

        public static IBus Recording() => Create(fail: false);

        private static IBus Create(bool fail)
        {
            var bus = DispatchProxy.Create<IBus, FakeBus>();
            ((FakeBus)(object)bus)._fail = fail;
            return bus;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (_fail)
            {
                return Task.FromException(new InvalidOperationException("The broker is unreachable."));
            }

            Published.Add(args![0]!);
            return Task.CompletedTask;
        }
    }
}
