/// One step of the catalog schema. Adding goals, experiments or flags is one more entry here.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Statements for each dialect; most are the same text, since both speak this much SQL.
    let statements: @Sendable (CatalogDialect) -> [String]
}

enum Migrations {
    /// Every migration, in order. Versions are never reused or edited once released.
    static let all: [Migration] = [
        Migration(version: 1, name: "projects, keys, persons") { _ in
            [
                // Times are microseconds since the epoch (UTC), as in events.
                """
                CREATE TABLE projects (
                    slug TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    retention_days INTEGER NOT NULL,
                    time_zone TEXT NOT NULL
                )
                """,
                // Only a keyed hash of a key is stored; `prefix` is its first characters, in clear.
                """
                CREATE TABLE api_keys (
                    prefix TEXT PRIMARY KEY,
                    project TEXT NOT NULL REFERENCES projects (slug),
                    kind TEXT NOT NULL CHECK (kind IN ('write', 'read')),
                    key_hash TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    revoked_at BIGINT
                )
                """,
                "CREATE INDEX api_keys_by_project ON api_keys (project)",
                // A person is a set of linked distinct ids; `size` drives union-by-size.
                """
                CREATE TABLE persons (
                    project TEXT NOT NULL REFERENCES projects (slug),
                    person_id TEXT NOT NULL,
                    size BIGINT NOT NULL,
                    PRIMARY KEY (project, person_id)
                )
                """,
                // The resolved person of every linked id: query-time lookup is one indexed IN (...).
                """
                CREATE TABLE person_ids (
                    project TEXT NOT NULL,
                    distinct_id TEXT NOT NULL,
                    person_id TEXT NOT NULL,
                    PRIMARY KEY (project, distinct_id)
                )
                """,
                "CREATE INDEX person_ids_by_person ON person_ids (project, person_id)",
                // The links as received, so that persons can be rebuilt or an id erased later.
                """
                CREATE TABLE person_links (
                    project TEXT NOT NULL,
                    distinct_id TEXT NOT NULL,
                    other_id TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (project, distinct_id, other_id)
                )
                """,
                "CREATE TABLE catalog_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]
        },
        Migration(version: 2, name: "experiments, flags") { _ in
            [
                // The definition is kept as the JSON text the experiments library writes: the catalog
                // stores it without understanding it. `status` is copied out so lists and the decide
                // cache can select running experiments without parsing every definition.
                """
                CREATE TABLE experiments (
                    project TEXT NOT NULL REFERENCES projects (slug),
                    key TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('draft', 'running', 'stopped', 'shipped')),
                    definition TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (project, key)
                )
                """,
                """
                CREATE TABLE flags (
                    project TEXT NOT NULL REFERENCES projects (slug),
                    key TEXT NOT NULL,
                    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
                    definition TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (project, key)
                )
                """,
            ]
        },
        Migration(version: 3, name: "person links version") { _ in
            [
                // Bumped in the same transaction as every change to a project's persons, so that a
                // reader may keep the links it loaded while it is unchanged (a count of the links
                // would miss a deletion followed by an addition).
                "ALTER TABLE projects ADD COLUMN person_links_version BIGINT NOT NULL DEFAULT 0"
            ]
        },
        Migration(version: 4, name: "person link changes by version") { _ in
            [
                // The project's person links version a row was written at, so that a reader holding the
                // links of one version reads only what changed since (`Catalog.personLinkChanges`).
                // Rows written before this column existed are at 0, older than any version read since.
                "ALTER TABLE person_ids ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
                "CREATE INDEX person_ids_by_version ON person_ids (project, version)",
            ]
        },
        Migration(version: 5, name: "segment manifest") { _ in
            [
                // Every segment of a storage (a data directory, or a bucket and prefix): live while
                // `replaced_at` is null. A flush adds rows after its files are durable; a compaction marks
                // its sources replaced and adds its outputs in one transaction. A query reads the live rows,
                // never a directory listing, so it never sees a half-compacted day.
                """
                CREATE TABLE segments (
                    storage TEXT NOT NULL,
                    key TEXT NOT NULL,
                    project TEXT NOT NULL,
                    day TEXT NOT NULL,
                    node TEXT NOT NULL,
                    row_count BIGINT NOT NULL,
                    byte_count BIGINT NOT NULL,
                    min_time BIGINT NOT NULL,
                    max_time BIGINT NOT NULL,
                    checksum TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    replaced_at BIGINT,
                    PRIMARY KEY (storage, key)
                )
                """,
                "CREATE INDEX segments_by_day ON segments (storage, project, day)",
                // A storage whose segments the manifest holds: a data directory written before the manifest
                // existed is adopted once, from its files; from then on a file without a row is an orphan.
                "CREATE TABLE segment_storages (storage TEXT PRIMARY KEY, adopted_at BIGINT NOT NULL)",
            ]
        },
        Migration(version: 6, name: "compaction leases") { _ in
            [
                // Who compacts a day of a shared storage: one row per (storage, project, day), held by one
                // store (its node name and a random token) until `expires_at` (µs); a dead holder's lease
                // simply expires. Correctness does not rest on it (a replacement whose sources are no longer
                // live undoes itself): it keeps nodes from doing the same work twice.
                """
                CREATE TABLE compaction_leases (
                    storage TEXT NOT NULL,
                    project TEXT NOT NULL,
                    day TEXT NOT NULL,
                    holder TEXT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    PRIMARY KEY (storage, project, day)
                )
                """
            ]
        },
        Migration(version: 7, name: "project privacy settings") { _ in
            // `PrivacySettings` as a JSON object: what ingestion removes before storing an event.
            ["ALTER TABLE projects ADD COLUMN privacy TEXT NOT NULL DEFAULT '{}'"]
        },
        Migration(version: 8, name: "erasures") { _ in
            [
                // The erasure log: when, who asked (a key prefix, or `cli`), how many events went, and keyed
                // hashes of the ids (HMAC with the catalog secret); the ids themselves only while the erasure
                // is still running (`pending_ids`, a JSON array, so that it resumes after a crash), then NULL.
                """
                CREATE TABLE erasures (
                    id TEXT PRIMARY KEY,
                    project TEXT NOT NULL,
                    requested_at BIGINT NOT NULL,
                    requested_by TEXT NOT NULL,
                    id_hashes TEXT NOT NULL,
                    pending_ids TEXT,
                    events_removed BIGINT NOT NULL DEFAULT 0,
                    completed_at BIGINT
                )
                """,
                "CREATE INDEX erasures_by_project ON erasures (project, requested_at)",
                // The person links version of the project's newest erasure: a reader holding links of an
                // older version reads them all again (`personLinkChanges` cannot show a deleted id).
                "ALTER TABLE projects ADD COLUMN person_links_erased_version BIGINT NOT NULL DEFAULT 0",
            ]
        },
    ]

    static var latestVersion: Int { all.last?.version ?? 0 }
}
