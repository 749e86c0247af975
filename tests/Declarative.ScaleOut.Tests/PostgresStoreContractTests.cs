using Declarative.Runtime.Store;
using Declarative.Runtime.Tests.Store;

namespace Declarative.ScaleOut.Tests;

/// <summary>The store contract (tests/Declarative.Runtime.Tests/Store/StoreContract.cs) on a real PostgreSQL server.</summary>
[Trait("Category", "ScaleOut")]
public sealed class PostgresStoreContractTests : StoreContract, IDisposable
{
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override IResultStore NewStore() => StoreFactory.Open(_database.ConnectionString);

    protected override IReadOnlyList<object[]> Query(string sql) => _database.Query(sql);
}
