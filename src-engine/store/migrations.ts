/**
 * The schema, as an ordered list of migrations. `PRAGMA user_version` records how many have been
 * applied; each runs once, in its own transaction, so a file from an older version is brought up
 * to date at open and a newer one is refused rather than misread.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: tasks
  `CREATE TABLE tasks (
     id           TEXT PRIMARY KEY,
     name         TEXT NOT NULL,
     kind         TEXT NOT NULL,
     parameters   TEXT NOT NULL,
     client_id    TEXT NOT NULL,
     state        TEXT NOT NULL,
     progress     REAL NOT NULL,
     status_text  TEXT NOT NULL,
     result       TEXT,
     error        TEXT,
     created_at   INTEGER NOT NULL,
     started_at   INTEGER,
     completed_at INTEGER,
     attempt      INTEGER NOT NULL,
     max_attempts INTEGER NOT NULL DEFAULT 1,
     priority     INTEGER NOT NULL DEFAULT 0,
     run_at       INTEGER
   );
   CREATE INDEX tasks_by_client ON tasks (client_id, created_at);`,
];

/** Schema version a fully migrated database has. */
export const SCHEMA_VERSION = MIGRATIONS.length;
