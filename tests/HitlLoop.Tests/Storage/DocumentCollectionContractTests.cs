using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Tests.Storage;

/// <summary>The semantics every service's storage port relies on, pinned for both stores.</summary>
[TestFixture("embedded")]
[TestFixture("mongodb")]
public sealed class DocumentCollectionContractTests(string backend)
{
    private IServiceProvider _services = null!;
    private IDocumentStore _store = null!;
    private IDocumentCollection<ContractDocument> _documents = null!;

    [SetUp]
    public void Open()
    {
        _store = StoreBackends.Open(backend, TestContext.CurrentContext.Test.Name, out _services);
        _documents = _store.GetCollection<ContractDocument>("contract-documents");
    }

    [TearDown]
    public void Close() => (_services as IDisposable)?.Dispose();

    private static readonly DateTime Noon = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    private static ContractDocument Doc(string id, int count = 0, ContractStatus status = ContractStatus.Open, DateTime? at = null) => new()
    {
        Id = id,
        Name = id,
        Count = count,
        Status = status,
        At = at ?? Noon,
    };

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, MessageJson.Options);

    [Test]
    public async Task A_second_insert_with_the_same_id_is_refused()
    {
        Assert.That(await _documents.TryInsertAsync(Doc("a", count: 1)), Is.True);
        Assert.That(await _documents.TryInsertAsync(Doc("a", count: 2)), Is.False);
        Assert.That((await _documents.FindByIdAsync("a"))!.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Inserting_many_inserts_each_new_id_once_in_one_call_and_says_which()
    {
        await _documents.TryInsertAsync(Doc("stored", count: 1));

        var inserted = await _documents.TryInsertManyAsync([Doc("b", count: 2), Doc("stored", count: 3), Doc("c/é?", count: 4), Doc("b", count: 5), Doc("B", count: 6)]);

        Assert.That(inserted, Is.EqualTo(new[] { true, false, true, false, true }));
        Assert.That((await _documents.FindByIdAsync("stored"))!.Count, Is.EqualTo(1), "the stored one stands");
        Assert.That((await _documents.FindByIdAsync("b"))!.Count, Is.EqualTo(2), "the first of the list stands");
        Assert.That((await _documents.FindByIdAsync("c/é?"))!.Count, Is.EqualTo(4));
        Assert.That((await _documents.FindByIdAsync("B"))!.Count, Is.EqualTo(6), "ids are case-sensitive");
        Assert.That(await _documents.TryInsertManyAsync([]), Is.Empty);
    }

    [Test]
    public async Task Insert_many_once_returns_the_document_that_stands_for_each()
    {
        await _documents.TryInsertAsync(Doc("stored", count: 1));

        var standing = await _documents.InsertManyOnceAsync([Doc("new", count: 2), Doc("stored", count: 3), Doc("new", count: 4)]);

        Assert.That(standing.Select(d => (d.Id, d.Count)), Is.EqualTo(new[] { ("new", 2), ("stored", 1), ("new", 2) }));
    }

    [Test]
    public async Task Racing_batches_insert_each_id_exactly_once()
    {
        var batches = Enumerable.Range(0, 8).Select(b => Enumerable.Range(0, 50).Select(i => Doc($"id-{(i * 7 + b) % 120}", count: b)).ToList()).ToList();

        var results = await Task.WhenAll(batches.Select(batch => Task.Run(() => _documents.TryInsertManyAsync(batch))));

        var wins = batches.SelectMany((batch, b) => batch.Where((_, i) => results[b][i]).Select(d => d.Id)).ToList();
        Assert.That(wins, Is.Unique);
        Assert.That(wins, Is.EquivalentTo(batches.SelectMany(batch => batch.Select(d => d.Id)).Distinct()));
    }

    [Test]
    public async Task A_counted_insert_counts_each_document_it_inserts_under_its_key_and_no_other()
    {
        var counts = _store.GetCollection<DocumentCount>("contract-counts");
        var byOwner = new InsertCounts<ContractDocument>(counts, d => d.Owner!);
        await _documents.TryInsertAsync(Doc("stored") with { Owner = "x" });

        var inserted = await _documents.TryInsertManyAsync(
            [Doc("a") with { Owner = "x" }, Doc("stored") with { Owner = "x" }, Doc("b") with { Owner = "y/é?\n" }, Doc("a") with { Owner = "y/é?\n" }, Doc("c") with { Owner = "X" }],
            byOwner);
        var again = await _documents.TryInsertManyAsync([Doc("c") with { Owner = "X" }, Doc("d") with { Owner = "x" }], byOwner);

        Assert.That(inserted, Is.EqualTo(new[] { true, false, true, false, true }));
        Assert.That(again, Is.EqualTo(new[] { false, true }));
        Assert.That((await counts.FindByIdAsync("x"))!.Count, Is.EqualTo(2), "a and d: the stored one and the refused ones count nowhere");
        Assert.That((await counts.FindByIdAsync("y/é?\n"))!.Count, Is.EqualTo(1));
        Assert.That((await counts.FindByIdAsync("X"))!.Count, Is.EqualTo(1), "keys are case-sensitive");
        Assert.That(await _documents.TryInsertManyAsync([], byOwner), Is.Empty);
    }

    [Test]
    public async Task Racing_counted_batches_count_exactly_the_documents_that_stand()
    {
        var counts = _store.GetCollection<DocumentCount>("contract-counts");
        var byOwner = new InsertCounts<ContractDocument>(counts, d => d.Owner!);
        var batches = Enumerable.Range(0, 8)
            .Select(b => Enumerable.Range(0, 40).Select(i => (i * 7 + b) % 100).Select(n => Doc($"id-{n}") with { Owner = $"key-{n % 3}" }).ToList())
            .ToList();

        await Task.WhenAll(batches.Select(batch => Task.Run(() => _documents.TryInsertManyAsync(batch, byOwner))));

        foreach (var key in new[] { "key-0", "key-1", "key-2" })
        {
            var standing = await _documents.CountAsync(d => d.Owner == key);
            Assert.That(standing, Is.GreaterThan(0));
            Assert.That((await counts.FindByIdAsync(key))!.Count, Is.EqualTo(standing), key);
        }
    }

    [Test]
    public void Counts_of_another_store_are_refused()
    {
        var other = StoreBackends.Open(backend, TestContext.CurrentContext.Test.Name, out var otherServices);
        try
        {
            var elsewhere = new InsertCounts<ContractDocument>(other.GetCollection<DocumentCount>("contract-counts"), d => d.Name);

            Assert.ThrowsAsync<ArgumentException>(() => _documents.TryInsertManyAsync([Doc("a")], elsewhere));
        }
        finally
        {
            (otherServices as IDisposable)?.Dispose();
        }
    }

    [Test]
    public async Task A_document_reads_back_exactly_as_written()
    {
        var written = Doc("full") with
        {
            Name = "  padded  ",
            Owner = "",
            Amount = 1234.56m,
            Tags = ["refund", "billing"],
            Scores = new Dictionary<string, double> { ["gpt"] = 0.8, ["llama"] = 0.3 },
            Response = new ResponseScored
            {
                ResponseId = "r-1",
                ProductId = "support-bot",
                Confidence = 0.42,
                ScoredAt = new DateTimeOffset(Noon),
                Context = new ResponseContext
                {
                    RecentTurns = [new ConversationTurn { Role = "user", Text = "Where is my refund?" }],
                    Account = new AccountAttributes { Tier = "gold", Value = 250_000m },
                },
            },
            Outbox = [Outbox.Message(new RetrainCompleted { RequestId = "rr-1", NewModelVersion = "m2" }, TimeProvider.System) with { CreatedAt = Noon }],
            OutboxPending = true,
        };
        await _documents.TryInsertAsync(written);

        var read = await _documents.FindByIdAsync("full");

        Assert.That(Json(read), Is.EqualTo(Json(written)));
        Assert.That(read!.At.Kind, Is.EqualTo(DateTimeKind.Utc));
    }

    [Test]
    public async Task Times_keep_millisecond_precision_and_come_back_as_utc()
    {
        var at = new DateTime(2026, 11, 22, 12, 0, 0, 123, DateTimeKind.Utc).AddTicks(4567);
        await _documents.TryInsertAsync(Doc("t", at: at));

        var read = await _documents.FindByIdAsync("t");

        Assert.That(read!.At, Is.EqualTo(new DateTime(2026, 11, 22, 12, 0, 0, 123, DateTimeKind.Utc)));
        Assert.That(read.At.Kind, Is.EqualTo(DateTimeKind.Utc));
    }

    [Test]
    public async Task A_replace_succeeds_only_against_the_version_it_read()
    {
        await _documents.TryInsertAsync(Doc("v"));

        Assert.That(await _documents.TryReplaceAsync(Doc("v", count: 1) with { Version = 1 }, expectedVersion: 0), Is.True);
        Assert.That(await _documents.TryReplaceAsync(Doc("v", count: 99) with { Version = 1 }, expectedVersion: 0), Is.False);
        Assert.That(await _documents.TryReplaceAsync(Doc("missing") with { Version = 1 }, expectedVersion: 0), Is.False);
        Assert.That((await _documents.FindByIdAsync("v"))!.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Replacing_many_replaces_each_only_against_the_version_it_read_and_says_which()
    {
        await _documents.TryInsertManyAsync([Doc("r1"), Doc("r2"), Doc("r/3 é")]);
        await _documents.TryReplaceAsync(Doc("r2", count: 7) with { Version = 1 }, expectedVersion: 0);

        var replaced = await _documents.TryReplaceManyAsync(
        [
            (Doc("r1", count: 1) with { Version = 1 }, 0),
            (Doc("r2", count: 2) with { Version = 1 }, 0),
            (Doc("missing", count: 3) with { Version = 1 }, 0),
            (Doc("r/3 é", count: 4) with { Version = 1 }, 0),
        ]);

        Assert.That(replaced, Is.EqualTo(new[] { true, false, false, true }));
        Assert.That((await _documents.FindByIdAsync("r1"))!.Count, Is.EqualTo(1));
        Assert.That((await _documents.FindByIdAsync("r2"))!.Count, Is.EqualTo(7), "a document changed since it was read stands");
        Assert.That(await _documents.FindByIdAsync("missing"), Is.Null, "a replace never inserts");
        Assert.That((await _documents.FindByIdAsync("r/3 é"))!.Count, Is.EqualTo(4));
        Assert.That(await _documents.TryReplaceManyAsync([]), Is.Empty);
    }

    [Test]
    public async Task Concurrent_updates_lose_nothing()
    {
        await _documents.TryInsertAsync(Doc("counter"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            _documents.UpdateAsync("counter", d => d with { Count = d.Count + 1, Version = d.Version + 1 }))));

        var counter = await _documents.FindByIdAsync("counter");
        Assert.That(counter!.Count, Is.EqualTo(20));
        Assert.That(counter.Version, Is.EqualTo(20));
    }

    [Test]
    public async Task Racing_inserts_each_get_their_own_answer_and_a_refused_one_undoes_no_other()
    {
        await _documents.EnsureIndexAsync(d => d.Name, unique: true);
        for (var i = 0; i < 10; i++)
        {
            await _documents.TryInsertAsync(Doc($"first-{i}") with { Name = $"taken-{i}" });
        }

        // Twenty new names and ten taken ones (under new ids) at once: the embedded store commits racing writes
        // together, so a refused one must not take the others down with it.
        var racing = Enumerable.Range(0, 20).Select(i => Doc($"new-{i}") with { Name = $"fresh-{i}" })
            .Concat(Enumerable.Range(0, 10).Select(i => Doc($"late-{i}") with { Name = $"taken-{i}" }))
            .ToList();
        var answers = await Task.WhenAll(racing.Select(d => Task.Run(() => _documents.TryInsertAsync(d))));

        var stored = await _documents.FindAsync(d => true, d => d.Id);
        Assert.That(racing.Zip(answers).Where(r => r.Second).Select(r => r.First.Id), Is.EquivalentTo(racing.Take(20).Select(d => d.Id)));
        Assert.That(stored.Select(d => d.Id), Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => $"first-{i}").Concat(racing.Take(20).Select(d => d.Id))));
    }

    [Test]
    public async Task Find_filters_orders_and_limits()
    {
        for (var i = 0; i < 6; i++)
        {
            await _documents.TryInsertAsync(Doc($"d{i}", count: i, status: i % 2 == 0 ? ContractStatus.Open : ContractStatus.Closed, at: Noon.AddMinutes(i)));
        }

        var cutoff = Noon.AddMinutes(1);
        var open = await _documents.FindAsync(d => d.Status == ContractStatus.Open && d.At > cutoff, d => d.Count, descending: true);
        var firstTwo = await _documents.FindAsync(d => true, d => d.Name, limit: 2);
        var unowned = await _documents.CountAsync(d => d.Owner == null);

        Assert.That(open.Select(d => d.Id), Is.EqualTo(new[] { "d4", "d2" }));
        Assert.That(firstTwo.Select(d => d.Id), Is.EqualTo(new[] { "d0", "d1" }));
        Assert.That(unowned, Is.EqualTo(6));
        Assert.That(await _documents.CountAsync(d => d.Status == ContractStatus.Closed || d.Count == 0), Is.EqualTo(4));
    }

    [Test]
    public async Task Counts_on_indexed_fields_agree_with_the_documents()
    {
        await _documents.EnsureIndexAsync(d => d.Name);
        await _documents.EnsureIndexAsync(d => d.Owner);
        string[] names = ["day\n2026-01-01", "day\n2026-01-01", "day\n2026-01-02", "night\n2026-01-01", "Day\n2026-01-01"];
        for (var i = 0; i < names.Length; i++)
        {
            await _documents.TryInsertAsync(Doc($"c/{i}", count: i) with { Name = names[i], Owner = i < 2 ? "alice" : null });
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await _documents.CountAsync(d => d.Name == "day\n2026-01-01"), Is.EqualTo(2), "equality on an index");
            Assert.That(await _documents.CountAsync(d => d.Name.StartsWith("day\n")), Is.EqualTo(3), "a prefix on an index, case-sensitive");
            Assert.That(await _documents.CountAsync(d => d.Owner == null), Is.EqualTo(3), "absent values on an index");
            Assert.That(await _documents.CountAsync(d => d.Owner == "alice"), Is.EqualTo(2));
            Assert.That(await _documents.CountAsync(d => d.Id.StartsWith("c/")), Is.EqualTo(5), "the id");
            Assert.That(await _documents.CountAsync(d => d.Count >= 3), Is.EqualTo(2), "a field without an index");
            Assert.That(await _documents.CountAsync(d => d.Name.StartsWith("day\n") && d.Owner == null), Is.EqualTo(1), "two fields");
        });
    }

    [Test]
    public async Task A_delete_removes_that_document_once_and_no_other()
    {
        await _documents.TryInsertAsync(Doc("a/b?c#d e"));
        await _documents.TryInsertAsync(Doc("A/B?C#D E"));

        var first = await _documents.TryDeleteAsync("a/b?c#d e");
        var second = await _documents.TryDeleteAsync("a/b?c#d e");

        Assert.That(first, Is.True);
        Assert.That(second, Is.False);
        Assert.That(await _documents.FindByIdAsync("a/b?c#d e"), Is.Null);
        Assert.That(await _documents.FindByIdAsync("A/B?C#D E"), Is.Not.Null, "ids differ by case: another document");
        Assert.That(await _documents.TryInsertAsync(Doc("a/b?c#d e")), Is.True, "the id is free again");
    }

    [Test]
    public async Task An_unordered_find_returns_only_matches_and_at_most_the_limit()
    {
        for (var i = 0; i < 6; i++)
        {
            await _documents.TryInsertAsync(Doc($"u{i}", count: i, status: i % 2 == 0 ? ContractStatus.Open : ContractStatus.Closed));
        }

        var open = await _documents.FindAsync(d => d.Status == ContractStatus.Open, limit: 10);
        var two = await _documents.FindAsync(d => d.Status == ContractStatus.Open, limit: 2);

        Assert.That(open.Select(d => d.Id), Is.EquivalentTo(new[] { "u0", "u2", "u4" }));
        Assert.That(two, Has.Count.EqualTo(2));
        Assert.That(two.Select(d => d.Id), Is.SubsetOf(new[] { "u0", "u2", "u4" }));
    }

    [Test]
    public async Task The_outbox_sweeper_finds_and_publishes_only_pending_documents()
    {
        var pending = Doc("pending") with
        {
            Outbox = [Outbox.Message(new RetrainCompleted { RequestId = "rr-9", NewModelVersion = "m9" }, TimeProvider.System)],
            OutboxPending = true,
        };
        await _documents.TryInsertAsync(pending);
        await _documents.TryInsertAsync(Doc("quiet"));

        var found = await _documents.FindAsync(d => d.OutboxPending, d => d.Id);
        var delivered = pending.WithOutboxDelivered();
        await _documents.TryReplaceAsync(delivered, pending.Version);

        Assert.That(found.Select(d => d.Id), Is.EqualTo(new[] { "pending" }));
        Assert.That(await _documents.CountAsync(d => d.OutboxPending), Is.Zero);
    }

    [Test]
    public async Task An_index_can_be_ensured_twice()
    {
        await _documents.EnsureIndexAsync(d => d.Status);
        await _documents.EnsureIndexAsync(d => d.Status);
        await _documents.EnsureIndexAsync(d => d.Name, unique: true);

        Assert.That(await _documents.TryInsertAsync(Doc("x")), Is.True);
    }

    [Test]
    public async Task A_dropped_index_no_longer_applies_and_dropping_one_that_is_not_there_does_nothing()
    {
        await _documents.EnsureIndexAsync(d => d.Name, unique: true);
        await _documents.EnsureIndexAsync(d => d.Tags);
        await _documents.TryInsertAsync(Doc("a") with { Name = "same", Tags = ["t"] });
        Assert.That(await _documents.TryInsertAsync(Doc("b") with { Name = "same" }), Is.False, "the unique index applies");

        await _documents.DropIndexAsync(d => d.Name);
        await _documents.DropIndexAsync(d => d.Name);
        await _documents.DropIndexAsync(d => d.Tags);
        await _documents.DropIndexAsync(d => d.Status);

        Assert.That(await _documents.TryInsertAsync(Doc("b") with { Name = "same", Tags = ["t"] }), Is.True);
        Assert.That(await _documents.CountAsync(d => d.Name == "same"), Is.EqualTo(2));
        Assert.That((await _documents.FindAsync(d => d.Tags.Contains("t"), d => d.Id)).Select(d => d.Id), Is.EqualTo(new[] { "a", "b" }), "an array field is still found by element");
    }

    [Test]
    public async Task Find_one_and_update_takes_the_first_match_in_order_and_advances_its_version()
    {
        await _documents.TryInsertAsync(Doc("late", count: 3));
        await _documents.TryInsertAsync(Doc("early", count: 1));
        await _documents.TryInsertAsync(Doc("taken", count: 0) with { Owner = "bob" });

        var update = new DocumentUpdate<ContractDocument>()
            .Set(d => d.Owner, "alice")
            .Set(d => d.Status, ContractStatus.Closed)
            .Set(d => d.Tags, ["claimed"]);
        var first = await _documents.FindOneAndUpdateAsync(d => d.Owner == null, d => d.Count, update);
        var second = await _documents.FindOneAndUpdateAsync(d => d.Owner == null, d => d.Count, update);
        var none = await _documents.FindOneAndUpdateAsync(d => d.Owner == null, d => d.Count, update);

        Assert.That(first!.Id, Is.EqualTo("early"));
        Assert.That(second!.Id, Is.EqualTo("late"));
        Assert.That(none, Is.Null);
        var stored = await _documents.FindByIdAsync("early");
        Assert.That(Json(stored), Is.EqualTo(Json(first)));
        Assert.That(stored!.Version, Is.EqualTo(1));
        Assert.That(stored.Owner, Is.EqualTo("alice"));
        Assert.That(stored.Status, Is.EqualTo(ContractStatus.Closed));
        Assert.That(stored.Tags, Is.EqualTo(new[] { "claimed" }));
        Assert.That(stored.Count, Is.EqualTo(1), "fields not assigned are left as they were");
    }

    [Test]
    public async Task Find_one_and_update_can_clear_a_field_and_order_descending()
    {
        await _documents.TryInsertAsync(Doc("a", count: 1) with { Owner = "x" });
        await _documents.TryInsertAsync(Doc("b", count: 2) with { Owner = "y" });

        var cleared = await _documents.FindOneAndUpdateAsync(
            d => d.Owner != null, d => d.Count, new DocumentUpdate<ContractDocument>().Set(d => d.Owner, null), descending: true);

        Assert.That(cleared!.Id, Is.EqualTo("b"));
        Assert.That((await _documents.FindByIdAsync("b"))!.Owner, Is.Null);
        Assert.That(await _documents.CountAsync(d => d.Owner == null), Is.EqualTo(1));
    }

    [Test]
    public async Task Find_one_and_update_increments_appends_and_lowers_in_the_same_write()
    {
        await _documents.TryInsertAsync(Doc("slots", count: 2) with { Tags = ["first"], At = Noon });
        await _documents.TryInsertAsync(Doc("empty", count: 5));

        var update = new DocumentUpdate<ContractDocument>()
            .Increment(d => d.Count, -1)
            .Append(d => d.Tags, "second/ü")
            .Lower(d => d.At, Noon.AddHours(-1));
        var changed = await _documents.FindOneAndUpdateAsync(d => d.Count > 0, d => d.Count, update);
        var later = await _documents.FindOneAndUpdateAsync(
            d => d.Id == "slots", d => d.Id, new DocumentUpdate<ContractDocument>().Lower(d => d.At, Noon.AddHours(5)));
        var appendedToEmpty = await _documents.FindOneAndUpdateAsync(
            d => d.Id == "empty", d => d.Id, new DocumentUpdate<ContractDocument>().Append(d => d.Tags, "only"));

        Assert.That(changed!.Count, Is.EqualTo(1));
        Assert.That(changed.Tags, Is.EqualTo(new[] { "first", "second/ü" }));
        Assert.That(changed.At, Is.EqualTo(Noon.AddHours(-1)));
        Assert.That(later!.At, Is.EqualTo(Noon.AddHours(-1)), "a later time does not raise the field");
        Assert.That(later.Version, Is.EqualTo(2));
        Assert.That(appendedToEmpty!.Tags, Is.EqualTo(new[] { "only" }));
        Assert.That(Json(await _documents.FindByIdAsync("slots")), Is.EqualTo(Json(later)));
    }

    [Test]
    public async Task Racing_claims_never_take_the_same_document_twice()
    {
        for (var i = 0; i < 10; i++)
        {
            await _documents.TryInsertAsync(Doc($"job-{i}", count: i));
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 30).Select(worker => Task.Run(() =>
            _documents.FindOneAndUpdateAsync(
                d => d.Owner == null, d => d.Count, new DocumentUpdate<ContractDocument>().Set(d => d.Owner, $"worker-{worker}")))));

        var won = claims.Where(c => c is not null).Select(c => c!).ToList();
        Assert.That(won.Select(c => c.Id), Is.Unique);
        Assert.That(won, Has.Count.EqualTo(10));
        foreach (var claim in won)
        {
            Assert.That((await _documents.FindByIdAsync(claim.Id))!.Owner, Is.EqualTo(claim.Owner));
        }
    }

    [Test]
    public async Task Array_fields_filter_by_element_with_or_without_an_index()
    {
        await _documents.EnsureIndexAsync(d => d.Tags);
        await _documents.TryInsertAsync(Doc("both") with { Tags = ["alice", "bob"] });
        await _documents.TryInsertAsync(Doc("bob-only") with { Tags = ["bob"] });
        await _documents.TryInsertAsync(Doc("none"));

        var withAlice = await _documents.FindAsync(d => d.Tags.Contains("alice"), d => d.Id);
        var withoutAlice = await _documents.FindAsync(d => !d.Tags.Contains("alice"), d => d.Id);

        Assert.That(withAlice.Select(d => d.Id), Is.EqualTo(new[] { "both" }));
        Assert.That(withoutAlice.Select(d => d.Id), Is.EqualTo(new[] { "bob-only", "none" }));
        Assert.That(await _documents.CountAsync(d => d.Tags.Contains("bob")), Is.EqualTo(2));
    }

    [TestCase("a/b?c#d e")]
    [TestCase("ответ-1 ✓ 日本")]
    [TestCase("%2F..%20+&=")]
    [TestCase("  padded  ")]
    public async Task Any_id_a_producer_may_use_round_trips(string id)
    {
        Assert.That(await _documents.TryInsertAsync(Doc(id)), Is.True);

        Assert.That((await _documents.FindByIdAsync(id))!.Id, Is.EqualTo(id));
        Assert.That(await _documents.TryInsertAsync(Doc(id)), Is.False);
    }

    [Test]
    public async Task Ids_that_differ_only_in_case_are_different_documents()
    {
        Assert.That(await _documents.TryInsertAsync(Doc("Resp-1", count: 1)), Is.True);
        Assert.That(await _documents.TryInsertAsync(Doc("resp-1", count: 2)), Is.True);

        Assert.That((await _documents.FindByIdAsync("Resp-1"))!.Count, Is.EqualTo(1));
        Assert.That((await _documents.FindByIdAsync("resp-1"))!.Count, Is.EqualTo(2));
        Assert.That(await _documents.FindByIdAsync("RESP-1"), Is.Null);
        Assert.That(await _documents.CountAsync(d => d.Name == "resp-1"), Is.EqualTo(1), "string comparisons in filters are case-sensitive too");
    }
}
