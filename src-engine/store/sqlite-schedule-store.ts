import type Database from 'libsql';
import type { ScheduleRecord, ScheduleStore } from '../schedules/schedule-record.js';

type Row = {
  id: string;
  name: string;
  kind: string;
  parameters: string;
  cron: string;
  timezone: string;
  enabled: number;
  overlap: ScheduleRecord['overlap'];
  misfire: ScheduleRecord['misfire'];
  source: ScheduleRecord['source'];
  client_id: string;
  created_at: number;
  updated_at: number;
  last_run_at: number | null;
  last_task_id: string | null;
  last_error: string | null;
  next_run_at: number | null;
  run_pending: number;
};

/**
 * Schedules in the `schedules` table of the task database (same connection, same lock as the
 * tasks). Each save is its own small autocommit write: a schedule changes at most once per run.
 */
export class SqliteScheduleStore implements ScheduleStore {
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT OR REPLACE INTO schedules (id, name, kind, parameters, cron, timezone, enabled, overlap, misfire, source, client_id,
         created_at, updated_at, last_run_at, last_task_id, last_error, next_run_at, run_pending)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.remove = db.prepare('DELETE FROM schedules WHERE id = ?');
  }

  loadAll(): ScheduleRecord[] {
    return (this.db.prepare('SELECT * FROM schedules ORDER BY created_at, id').all() as Row[]).map(fromRow);
  }

  save(s: Readonly<ScheduleRecord>): void {
    this.upsert.run([
      s.id, s.name, s.kind, JSON.stringify(s.parameters), s.cron, s.timezone, s.enabled ? 1 : 0, s.overlap, s.misfire, s.source, s.clientId,
      s.createdAt, s.updatedAt, s.lastRunAt, s.lastTaskId, s.lastError, s.nextRunAt, s.runPending ? 1 : 0,
    ]);
  }

  delete(id: string): void {
    this.remove.run([id]);
  }
}

function fromRow(row: Row): ScheduleRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled === 1,
    overlap: row.overlap,
    misfire: row.misfire,
    source: row.source,
    clientId: row.client_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastRunAt: row.last_run_at,
    lastTaskId: row.last_task_id,
    lastError: row.last_error,
    nextRunAt: row.next_run_at,
    runPending: row.run_pending === 1,
  };
}
