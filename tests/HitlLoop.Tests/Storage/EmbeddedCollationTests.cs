using HitlLoop.ServiceDefaults.Storage;
using LiteDB;

namespace HitlLoop.Tests.Storage;

public sealed class EmbeddedCollationTests
{
    [Test]
    public async Task A_file_made_with_the_case_insensitive_default_is_rebuilt_and_keeps_its_documents()
    {
        var serviceName = "collation-" + Guid.NewGuid().ToString("N")[..12];
        var directory = StoreBackends.EmbeddedDirectory(serviceName);
        Directory.CreateDirectory(directory);
        using (var legacy = new LiteDatabase(Path.Combine(directory, $"{serviceName}.db")))
        {
            Assert.That(legacy.Collation.SortOptions, Is.EqualTo(System.Globalization.CompareOptions.IgnoreCase), "LiteDB's default, which merged case twins");
            legacy.GetCollection("contract_documents").Insert(new BsonDocument { ["_id"] = "Resp-1", ["Name"] = "kept", ["Version"] = 0L });
        }

        var store = StoreBackends.Open("embedded", nameof(A_file_made_with_the_case_insensitive_default_is_rebuilt_and_keeps_its_documents), serviceName, out var services);
        try
        {
            var documents = store.GetCollection<ContractDocument>("contract-documents");

            Assert.That((await documents.FindByIdAsync("Resp-1"))!.Name, Is.EqualTo("kept"));
            Assert.That(await documents.TryInsertAsync(new ContractDocument { Id = "resp-1", Name = "twin" }), Is.True);
            Assert.That((await documents.FindByIdAsync("resp-1"))!.Name, Is.EqualTo("twin"));
        }
        finally
        {
            (services as IDisposable)?.Dispose();
        }
    }
}
