using Declarative.Runtime.Store;
using Npgsql;

namespace Declarative.Runtime.Tests.Store;

/// <summary>Which store a location names, and how a PostgreSQL URI becomes a connection string (no server needed).</summary>
public sealed class StoreFactoryTests
{
    [Theory]
    [InlineData("artifacts/results.db", false)]
    [InlineData("/data/sweeps/results.db", false)]
    [InlineData("postgres://u@db:5432/sweeps", true)]
    [InlineData("postgresql://db/sweeps", true)]
    [InlineData("Host=db;Database=sweeps;Username=u", true)]
    [InlineData("server=db;database=sweeps", true)]
    public void A_location_names_sqlite_or_postgres(string location, bool postgres) =>
        Assert.Equal(postgres, StoreFactory.IsPostgres(location));

    [Fact]
    public void A_uri_becomes_an_npgsql_connection_string_with_its_escapes_and_parameters()
    {
        var builder = new NpgsqlConnectionStringBuilder(StoreFactory.ConnectionString("postgres://lab%40x:p%3Ass@db.cluster:6432/sweeps?sslmode=require&Timeout=5"));

        Assert.Equal(("db.cluster", 6432, "lab@x", "p:ss", "sweeps", SslMode.Require, 5),
            (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database, builder.SslMode, builder.Timeout));
    }

    [Fact]
    public void A_description_never_shows_the_password()
    {
        Assert.Equal("postgres://u@db:5432/sweeps", StoreFactory.Describe("postgres://u:secret@db/sweeps"));
        Assert.DoesNotContain("secret", StoreFactory.Describe("Host=db;Database=sweeps;Username=u;Password=secret"));
    }

    [Fact]
    public void Reading_commands_are_told_the_fix_when_a_sqlite_store_is_missing()
    {
        var error = Assert.Throws<StoreException>(() => StoreFactory.EnsureExists("/nonexistent/results.db", "run the experiments first."));
        Assert.Contains("/nonexistent/results.db", error.Message);
        StoreFactory.EnsureExists("postgres://u@db/sweeps", "never thrown"); // a server store is checked when opened
    }
}
