using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Tests.Storage;

/// <summary>What the embedded store has answered is in its files, not in a queue of its own: a kill -9 cannot take it back.</summary>
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
            CopyFiles(serviceName, copyName);
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

    [Test]
    public async Task Thousands_of_racing_writes_through_several_checkpoints_are_all_in_the_files_and_read_back_after_a_reopen()
    {
        const int count = 3_000;
        var serviceName = "stress-" + Guid.NewGuid().ToString("N")[..12];
        var payload = new string('p', 6_000);
        var store = StoreBackends.Open("embedded", nameof(Thousands_of_racing_writes_through_several_checkpoints_are_all_in_the_files_and_read_back_after_a_reopen), serviceName, out var services);
        var copyName = serviceName + "-copy";
        try
        {
            var documents = store.GetCollection<ContractDocument>("contract-documents");
            // About 18 MB of documents: LiteDB copies its log into the data file every 8 MB while writes go on.
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
            {
                Assert.That(await documents.TryInsertAsync(new ContractDocument { Id = $"doc-{i}", Name = payload, Count = i }, token), Is.True);
                if (i % 3 == 0)
                {
                    await documents.UpdateAsync($"doc-{i}", d => d with { Count = -i, Version = d.Version + 1 }, token);
                }
            });

            CopyFiles(serviceName, copyName);
        }
        finally
        {
            (services as IDisposable)?.Dispose();
        }

        foreach (var name in new[] { serviceName, copyName })
        {
            var reopened = StoreBackends.Open("embedded", nameof(Thousands_of_racing_writes_through_several_checkpoints_are_all_in_the_files_and_read_back_after_a_reopen), name, out var reopenedServices);
            try
            {
                var documents = reopened.GetCollection<ContractDocument>("contract-documents");
                var all = await documents.FindAsync(d => true, d => d.Count);
                Assert.That(all, Has.Count.EqualTo(count), name);
                Assert.That(all.Select(d => d.Count), Is.EquivalentTo(Enumerable.Range(0, count).Select(i => i % 3 == 0 ? -i : i)), name);
                Assert.That(all.All(d => d.Name == payload), Is.True, name);
            }
            finally
            {
                (reopenedServices as IDisposable)?.Dispose();
            }
        }
    }

    [Test]
    public async Task Counts_raised_by_an_insert_are_in_the_files_with_its_documents_at_any_moment()
    {
        var serviceName = "counted-" + Guid.NewGuid().ToString("N")[..12];
        var store = StoreBackends.Open("embedded", nameof(Counts_raised_by_an_insert_are_in_the_files_with_its_documents_at_any_moment), serviceName, out var services);
        var copyName = serviceName + "-copy";
        try
        {
            var documents = store.GetCollection<ContractDocument>("contract-documents");
            var counts = store.GetCollection<DocumentCount>("contract-counts");
            var byOwner = new InsertCounts<ContractDocument>(counts, d => d.Owner!);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var batch = 0; !stop.IsCancellationRequested; batch++)
                {
                    await documents.TryInsertManyAsync([.. Enumerable.Range(0, 20).Select(i => new ContractDocument { Id = $"w{w}-{batch}-{i}", Owner = $"key-{i % 3}" })], byOwner);
                }
            })).ToList();

            // The files copied while the writers go on, as a process killed in the middle of them leaves them.
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while ((await counts.FindByIdAsync("key-0", patience.Token))?.Count is null or < 500)
            {
                await Task.Delay(5, patience.Token);
            }

            CopyFiles(serviceName, copyName);
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        finally
        {
            (services as IDisposable)?.Dispose();
        }

        var copy = StoreBackends.Open("embedded", nameof(Counts_raised_by_an_insert_are_in_the_files_with_its_documents_at_any_moment), copyName, out var copyServices);
        try
        {
            var documents = copy.GetCollection<ContractDocument>("contract-documents");
            var counts = copy.GetCollection<DocumentCount>("contract-counts");
            foreach (var key in new[] { "key-0", "key-1", "key-2" })
            {
                var stored = await documents.CountAsync(d => d.Owner == key);
                Assert.That(stored, Is.GreaterThanOrEqualTo(key == "key-0" ? 500 : 1), key);
                Assert.That((await counts.FindByIdAsync(key))!.Count, Is.EqualTo(stored), key);
            }
        }
        finally
        {
            (copyServices as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Copies a store's files as they stand, as a killed process would leave them: the log first, then the data file,
    /// since the store may checkpoint meanwhile (it writes the data file in full before it empties the log).
    /// </summary>
    private static void CopyFiles(string from, string to)
    {
        var source = StoreBackends.EmbeddedDirectory(from);
        var target = StoreBackends.EmbeddedDirectory(to);
        Directory.CreateDirectory(target);
        foreach (var suffix in new[] { "-log.db", ".db" })
        {
            var file = Path.Combine(source, from + suffix);
            if (File.Exists(file))
            {
                File.Copy(file, Path.Combine(target, to + suffix));
            }
        }
    }
}
