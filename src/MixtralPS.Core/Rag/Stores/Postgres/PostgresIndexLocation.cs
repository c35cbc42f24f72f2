using System.Text.RegularExpressions;
using Npgsql;

namespace MixtralPS.Core.Rag.Stores.Postgres;

/// <summary>
/// An index inside a PostgreSQL database: a connection string (Npgsql's; several hosts allowed for read scale-out)
/// and the index's name, which becomes the schema holding its tables. The password is never part of what is shown.
/// </summary>
public sealed partial record PostgresIndexLocation : RagIndexLocation
{
    public const string DefaultName = "default";

    /// <summary>Schema names are this prefix and the index name, so a database's MixtralPS indexes sort together.</summary>
    public const string SchemaPrefix = "mixtralps_";

    private readonly string connectionString;

    /// <exception cref="ArgumentException">The name is not letters, digits and underscores, or the connection string cannot be parsed.</exception>
    public PostgresIndexLocation(string connectionString, string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !NamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"The index name '{name}' is not valid: use 1 to 48 letters, digits or underscores (for example docs or team_wiki).", nameof(name));
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The parser's message may quote the string, password included: it is not passed on.
            throw new ArgumentException(
                "The connection string cannot be read; give it as Npgsql expects, for example 'Host=db1;Database=rag;Username=me' (the password from PGPASSWORD or a .pgpass file).",
                nameof(connectionString));
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ArgumentException("The connection string names no host; add Host=<server> (several hosts separated by commas for standbys).", nameof(connectionString));
        }

        this.connectionString = connectionString;
        Name = name.ToLowerInvariant();
        Masked = Mask(builder);
        // The port belongs in the name shown when it is not the default (hosts given as host:port keep their own).
        Hosts = builder.Port != NpgsqlConnection.DefaultPort && !builder.Host!.Contains(':', StringComparison.Ordinal)
            ? string.Join(",", builder.Host!.Split(',').Select(h => $"{h.Trim()}:{builder.Port}"))
            : builder.Host!;
        Database = builder.Database ?? builder.Username ?? "";
    }

    /// <summary>The index's name (lower case: PostgreSQL folds unquoted names, so Docs and docs are one index).</summary>
    public string Name { get; }

    /// <summary>The connection string with any password replaced by asterisks.</summary>
    public string Masked { get; }

    public string Hosts { get; }

    public string Database { get; }

    /// <summary>The schema holding the index's tables.</summary>
    public string Schema => SchemaPrefix + Name;

    public override string Display => $"postgresql://{Hosts}/{Database} index '{Name}'";

    internal override string Key => "postgres:" + Name + "|" + connectionString;

    internal string ConnectionString => connectionString;

    public bool Equals(PostgresIndexLocation? other) => other is not null && other.Key == Key;

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    private static string Mask(NpgsqlConnectionStringBuilder builder)
    {
        var copy = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        if (!string.IsNullOrEmpty(copy.Password))
        {
            copy.Password = "********";
        }

        return copy.ConnectionString;
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,48}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
