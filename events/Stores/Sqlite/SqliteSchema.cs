namespace FilterProxy.Events.Stores.Sqlite;

internal static class SqliteSchema
{
    /// <summary>
    /// A block's events are cut into chunk rows that fit one 4 KB page (SQLite keeps up to 4,061 bytes of a row in
    /// its leaf page): reading one event is one B-tree lookup, never a walk along a long blob's overflow chain.
    /// </summary>
    public const int ChunkBytes = 4000;

    /// <summary>The first chunk row of a block; a block holds up to 2^20 chunks (4 GB of events).</summary>
    public static long ChunkId(long block, int chunk) => (block << 20) | (uint)chunk;

    public const string Pragmas = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        PRAGMA busy_timeout = 5000;
        PRAGMA temp_store = MEMORY;
        PRAGMA cache_size = -65536;
        PRAGMA wal_autocheckpoint = 10000;
        """;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS blocks (
            id INTEGER PRIMARY KEY,
            first INTEGER NOT NULL,
            last INTEGER NOT NULL,
            blocked INTEGER NOT NULL,
            count INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS blocks_last ON blocks (last);
        CREATE TABLE IF NOT EXISTS chunks (
            id INTEGER PRIMARY KEY, -- block << 20 | n: a block's chunks are one range of the table's key
            data BLOB NOT NULL      -- whole UTF-8 JSON lines, at most ChunkBytes unless one event is larger
        );
        CREATE TABLE IF NOT EXISTS refs (
            key TEXT NOT NULL,     -- u:<user>, d:<device>, c:<client>, k:<kind>
            first INTEGER NOT NULL,
            last INTEGER NOT NULL,
            block INTEGER NOT NULL,
            slices BLOB NOT NULL   -- (chunk, offset, length) int32 triples of the key's events in the block
        );
        CREATE INDEX IF NOT EXISTS refs_key ON refs (key, last);
        CREATE INDEX IF NOT EXISTS refs_block ON refs (block);
        CREATE TABLE IF NOT EXISTS daily (
            day TEXT NOT NULL, kind TEXT NOT NULL, verdict TEXT NOT NULL, count INTEGER NOT NULL,
            PRIMARY KEY (day, kind, verdict)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, time INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alerts (
            id TEXT PRIMARY KEY,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            status TEXT NOT NULL,
            severity INTEGER NOT NULL,
            subject TEXT NOT NULL,
            json TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS alerts_created ON alerts (created);
        CREATE INDEX IF NOT EXISTS alerts_subject ON alerts (subject, created);
        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY,
            time INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            detail TEXT,
            prev TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """;
}
