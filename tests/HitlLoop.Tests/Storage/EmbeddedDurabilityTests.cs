using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Tests.Storage;

/// <summary>What the embedded store has answered is on disk, not in a queue of its own: a kill -9 cannot take it back.</summary>
public sealed class EmbeddedDurabilityTests
{
    [Test]
    public async Task Answered_writes_are_already_in_the_files_a_killed_process_leaves()
    {
        var serviceName = "durable-" + Guid.NewGuid().ToString("N")[..12];
        var store = StoreBackends.Open("embedded", nameof(Answered_writes_are_already_in_the_files_a_killed_process_leaves), serviceName, out var services);
        var copyName = serviceName + "-copy";
        try
        {
            var documents = store.GetCollection<ContractDocument>("contract-documents");
            await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => documents.TryInsertAsync(new ContractDocument { Id = $"doc-{i}", Name = "written" }))));
            var changed = await documents.UpdateAsync("doc-7", d => d with { Name = "changed", Version = d.Version + 1 });
            Assert.That(changed!.Name, Is.EqualTo("changed"));

            // The files as they stand while the store is still open, which is all a killed process leaves behind.
            var from = StoreBackends.EmbeddedDirectory(serviceName);
            var to = StoreBackends.EmbeddedDirectory(copyName);
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from, $"{serviceName}*.db"))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file).Replace(serviceName, copyName, StringComparison.Ordinal)));
            }
        }
        finally
        {
            (services as IDisposable)?.Dispose();
        }

        var copy = StoreBackends.Open("embedded", nameof(Answered_writes_are_already_in_the_files_a_killed_process_leaves), copyName, out var copyServices);
        try
        {
            var copied = copy.GetCollection<ContractDocument>("contract-documents");
            Assert.That(await copied.CountAsync(d => d.Name == "written"), Is.EqualTo(39));
            Assert.That((await copied.FindByIdAsync("doc-7"))!.Name, Is.EqualTo("changed"));
        }
        finally
        {
            (copyServices as IDisposable)?.Dispose();
        }
    }
}
