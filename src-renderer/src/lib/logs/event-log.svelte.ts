/** The page's event log as reactive state. */
import { appendLog, LOG_CAPACITY, type LogEntry, type LogLevel } from './log-buffer.js';

/** Timestamped connection and task events, newest first, capped. */
export class EventLog {
  /** Entries, newest first. */
  entries = $state.raw<LogEntry[]>([]);
  readonly #capacity: number;
  #nextId = 1;

  constructor(capacity = LOG_CAPACITY) {
    this.#capacity = capacity;
  }

  /** Adds an entry stamped with the current time. */
  add(level: LogLevel, text: string): void {
    this.entries = appendLog(this.entries, { id: this.#nextId++, at: Date.now(), level, text }, this.#capacity);
  }

  /** Removes every entry. */
  clear(): void {
    this.entries = [];
  }
}
