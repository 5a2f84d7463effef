using Marten;
using Weasel.Postgresql.Tables;

namespace Coordination.Hosting;

/// <summary>
/// Columns and indexes on a document's table that Marten's own expressions cannot say: a member copied into a column of a
/// name we choose (so hand-written SQL can name it), and a B-tree over several columns in the order a list pages by, its
/// last column compared byte by byte (<c>COLLATE "C"</c>, as the list orders it), optionally only over some rows. Weasel
/// keeps them like Marten's own indexes: created with the table, changed when their definition changes.
/// </summary>
public static class DocumentIndexes
{
    /// <summary>Copies <paramref name="member"/> of <typeparamref name="T"/> into <paramref name="column"/> (no index of its own).</summary>
    public static StoreOptions Column<T>(this StoreOptions opts, string member, string column)
    {
        var info = typeof(T).GetProperty(member) ?? throw new ArgumentException($"{typeof(T).Name} has no {member}.", nameof(member));
        opts.Policies.ForAllDocuments(m =>
        {
            if (m.DocumentType == typeof(T))
            {
                m.DuplicateField([info], columnName: column);
            }
        });
        return opts;
    }

    /// <param name="columns">The index's columns in order; the last is compared as <c>COLLATE "C"</c> when <paramref name="lastInC"/>.</param>
    /// <param name="where">A partial index's condition over the table's columns, or null for every row.</param>
    /// <param name="include">Columns carried in the index besides its key, so a read of only those is served by the index alone.</param>
    public static StoreOptions Ordered<T>(this StoreOptions opts, string name, string[] columns, bool lastInC = false, string? where = null,
        string[]? include = null)
    {
        opts.Policies.ForAllDocuments(m =>
        {
            if (m.DocumentType == typeof(T) && m.Indexes.All(i => i.Name != name))
            {
                m.Indexes.Add(new IndexDefinition(name)
                {
                    Columns = columns, Collation = lastInC ? "C" : null, Predicate = where, IncludeColumns = include,
                });
            }
        });
        return opts;
    }
}
