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
  // 2: no query reads tasks_by_client (the engine answers every list from memory; the store only
  // reads the whole table at start), and keeping it current cost ~1.5 µs per task (one entry
  // inserted, one deleted): 20-25 % of the store's time. A query that needs it adds it back here.
  `DROP INDEX IF EXISTS tasks_by_client;`,
  // 3: jobs (issue #10): task log lines, stored with the task in the same group commit, deleted with it.
  `CREATE TABLE task_logs (
     task_id TEXT NOT NULL,
     seq     INTEGER NOT NULL,
     time    INTEGER NOT NULL,
     stream  TEXT NOT NULL,
     level   TEXT,
     text    TEXT NOT NULL,
     PRIMARY KEY (task_id, seq)
   ) WITHOUT ROWID;`,
  // 4: schedules (issue #13): tasks remember the recurring schedule they are a run of, and the
  // schedules themselves (src-engine/schedules/, docs/schedules.md).
  `ALTER TABLE tasks ADD COLUMN schedule_id TEXT;
   CREATE TABLE schedules (
     id           TEXT PRIMARY KEY,
     name         TEXT NOT NULL,
     kind         TEXT NOT NULL,
     parameters   TEXT NOT NULL,
     cron         TEXT NOT NULL,
     timezone     TEXT NOT NULL,
     enabled      INTEGER NOT NULL,
     overlap      TEXT NOT NULL,
     misfire      TEXT NOT NULL,
     source       TEXT NOT NULL,
     client_id    TEXT NOT NULL,
     created_at   INTEGER NOT NULL,
     updated_at   INTEGER NOT NULL,
     last_run_at  INTEGER,
     last_task_id TEXT,
     last_error   TEXT,
     next_run_at  INTEGER,
     run_pending  INTEGER NOT NULL DEFAULT 0
   );`,
  // 5: queue control (issue #13): the pause switches of the whole queue and of single kinds.
  `CREATE TABLE queue_control (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 6 (metrics rollups, src-engine/metrics/): one row per minute and kind ('*' = all kinds) for
  // the charts of GET /api/stats; pruned after 8 days.
  `CREATE TABLE stats_minutes (
     minute      INTEGER NOT NULL,
     kind        TEXT NOT NULL,
     completed   INTEGER NOT NULL,
     failed      INTEGER NOT NULL,
     cancelled   INTEGER NOT NULL,
     queue_max   INTEGER NOT NULL,
     running_max INTEGER NOT NULL,
     durations   TEXT NOT NULL,
     PRIMARY KEY (minute, kind)
   ) WITHOUT ROWID;`,
];

/** Schema version a fully migrated database has. */
export const SCHEMA_VERSION = MIGRATIONS.length;
