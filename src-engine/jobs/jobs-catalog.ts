import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { TaskService } from '../engine/task-service.js';
import type { JobDefinition } from './job-definition.js';
import { loadJobsFile, type JobsLoad } from './load-jobs-file.js';

/** Told about reloads: applied, or refused (the last good set stays). */
export type JobsReport = { readonly ok: true; readonly message: string; readonly count: number } | { readonly ok: false; readonly message: string };

/** Options of {@link JobCatalog}. */
export interface JobCatalogOptions {
  /** Hears each reload's outcome (the launcher logs it). */
  onReport?: (report: JobsReport) => void;
  /** Quiet time after a change before the file is read again (editors write in several steps). Default 150 ms. */
  debounceMs?: number;
}

/**
 * The owner's jobs, from one file, registered with the engine as task kinds (one per job, named by
 * the job's id). Watches the file: a valid edit replaces the set at once (tasks already running
 * keep the definition they started with; removed jobs accept no new tasks); an invalid edit keeps
 * the last good set, and {@link error} says why until the file is fixed.
 */
export class JobCatalog {
  readonly file: string;
  private current = new Map<string, JobDefinition>();
  private lastError: string | null = null;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  private again = false;
  /** Modification time and size of the file as last read: a change event that changed neither is ignored. */
  private stamp: string | undefined;
  private closed = false;

  constructor(
    private readonly engine: Pick<TaskService, 'registerKind' | 'unregisterKind'>,
    file: string,
    private readonly options: JobCatalogOptions = {},
  ) {
    this.file = resolve(file);
  }

  /** The jobs in effect, in file order. */
  get jobs(): readonly JobDefinition[] {
    return [...this.current.values()];
  }

  /** Why the file's current content is refused (the jobs in effect are the last good set), or null. */
  get error(): string | null {
    return this.lastError;
  }

  /** The job with this id, if the file defines it. */
  find(id: string): JobDefinition | undefined {
    return this.current.get(id);
  }

  /** Reads the file and applies it if valid; answers the outcome (at start, a bad file is fatal to the caller). */
  async load(): Promise<JobsLoad> {
    this.stamp = await this.readStamp();
    const outcome = await loadJobsFile(this.file);
    if (this.closed) return outcome;
    if (outcome.ok) {
      this.apply(outcome);
      this.lastError = null;
      this.options.onReport?.({ ok: true, message: `Jobs file ${this.file}: ${outcome.jobs.length} job(s) in effect`, count: outcome.jobs.length });
    } else {
      this.lastError = outcome.message;
      this.options.onReport?.({ ok: false, message: `${outcome.message} (the previous jobs stay in effect)` });
    }
    return outcome;
  }

  /** Starts watching the file (its folder, so that editors that replace the file are seen too). */
  watch(): void {
    if (this.watcher || this.closed) return;
    const name = basename(this.file);
    this.watcher = watch(dirname(this.file), (_event, changed) => {
      if (changed === null || changed.toString() === name) this.scheduleReload();
    });
    this.watcher.on('error', (error) => this.options.onReport?.({ ok: false, message: `Cannot watch the jobs file: ${error.message}` }));
    this.watcher.unref();
  }

  /** Stops watching; resolves once a reload under way has ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    await this.reloading;
  }

  private scheduleReload(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.options.debounceMs ?? 150);
    this.timer.unref();
  }

  /** One reload at a time; a change seen meanwhile triggers one more. */
  private reload(): void {
    if (this.reloading) {
      this.again = true;
      return;
    }
    this.reloading = this.reloadIfChanged().then(
      () => this.afterReload(),
      () => this.afterReload(),
    );
  }

  /** Reloads unless the file is as last read (the folder may hold other busy files, such as the database). */
  private async reloadIfChanged(): Promise<void> {
    if ((await this.readStamp()) !== this.stamp) await this.load();
  }

  private async readStamp(): Promise<string | undefined> {
    try {
      const info = await stat(this.file);
      return `${info.mtimeMs}:${info.size}:${info.ino}`;
    } catch {
      return undefined;
    }
  }

  private afterReload(): void {
    this.reloading = undefined;
    if (this.again && !this.closed) {
      this.again = false;
      this.reload();
    }
  }

  private apply(outcome: Extract<JobsLoad, { ok: true }>): void {
    const next = new Map(outcome.jobs.map((job) => [job.definition.id, job.definition]));
    for (const id of this.current.keys()) if (!next.has(id)) this.engine.unregisterKind(id);
    for (const job of outcome.jobs) this.engine.registerKind(job.kind);
    this.current = next;
  }
}
