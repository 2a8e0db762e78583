import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineEvent } from '../engine/engine-events.js';
import type { TaskService } from '../engine/task-service.js';
import type { TaskState } from '../protocol/messages.js';
import { BoundedLabels } from './bounded-labels.js';
import { LabelledHistogram } from './labelled-histogram.js';
import type { DeliveryStats } from './delivery-stats.js';

/** Prefix of every metric this server defines (the runtime defaults get it too). */
export const METRIC_PREFIX = 'task_monitor_';

/** Distinct kind labels reported before the rest are lumped into `other`. */
export const MAX_KIND_LABELS = 50;

/** What the metrics read from the WebSocket side (the server's SocketHub). */
export interface SocketSource {
  /** Open sockets. */
  readonly size: number;
  readonly delivery: DeliveryStats;
}

const FINAL: ReadonlySet<TaskState> = new Set(['completed', 'failed', 'cancelled']);

/**
 * The Prometheus metrics of one server, in a registry of its own (several servers in one process,
 * as in tests, never share series). Task counters and durations are fed by engine events; gauges
 * (queue depth, running, sockets) and the send path's counters are read when scraped, so the hot
 * paths pay nothing for them. Labels are bounded: kind (capped at {@link MAX_KIND_LABELS}) and
 * state, never a task or session id.
 */
export class TaskMetrics {
  readonly registry = new Registry();
  private readonly kinds = new BoundedLabels(MAX_KIND_LABELS);
  /**
   * The task counters as plain numbers, brought into prom-client's counters when scraped: its
   * `inc` with labels (label checks, a hash text, an object per call) cost more than the rest of
   * this listener, twice per task.
   */
  private readonly submittedByKind = new Map<string, Tally>();
  private readonly finishedByKind = new Map<string, Map<TaskState, Tally>>();
  private readonly submitted: Counter<'kind'>;
  private readonly finished: Counter<'kind' | 'state'>;
  private readonly duration: LabelledHistogram;
  private readonly commit: Histogram;
  private readonly lag: Histogram;
  private sockets: SocketSource | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(engine: TaskService) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    const submitted = this.submittedByKind;
    const finished = this.finishedByKind;
    this.submitted = new Counter({
      name: `${METRIC_PREFIX}tasks_submitted_total`,
      help: 'Tasks accepted, by kind',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const [kind, tally] of submitted) bringUp(tally, (delta) => this.inc({ kind }, delta));
      },
    });
    this.finished = new Counter({
      name: `${METRIC_PREFIX}tasks_finished_total`,
      help: 'Tasks that reached a final state (completed, failed, cancelled), by kind and state',
      labelNames: ['kind', 'state'],
      registers,
      collect() {
        for (const [kind, byState] of finished) for (const [state, tally] of byState) bringUp(tally, (delta) => this.inc({ kind, state }, delta));
      },
    });
    // Observed once per finished task: plain numbers, handed over when scraped (see LabelledHistogram).
    this.duration = new LabelledHistogram(
      `${METRIC_PREFIX}task_duration_seconds`,
      'Run time of finished tasks (start of the last attempt to the end), by kind',
      'kind',
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    );
    new Gauge({ name: `${METRIC_PREFIX}queue_depth`, help: 'Tasks waiting for a worker or a retry backoff', registers, collect() { this.set(engine.queuedCount); } });
    new Gauge({ name: `${METRIC_PREFIX}tasks_running`, help: 'Tasks running now', registers, collect() { this.set(engine.counts().running); } });
    const sockets = () => this.sockets;
    new Gauge({ name: `${METRIC_PREFIX}websocket_connections`, help: 'Open WebSocket connections', registers, collect() { this.set(sockets()?.size ?? 0); } });
    cumulative(`${METRIC_PREFIX}websocket_frames_sent_total`, 'WebSocket frames handed to sockets', registers, () => sockets()?.delivery.framesSent ?? 0);
    cumulative(`${METRIC_PREFIX}websocket_frames_coalesced_total`, 'Progress ticks dropped for a newer tick of the same task while a slow socket caught up', registers, () => sockets()?.delivery.framesCoalesced ?? 0);
    cumulative(`${METRIC_PREFIX}websocket_frames_dropped_total`, 'Frames never delivered: their socket closed or was cut off for falling too far behind', registers, () => sockets()?.delivery.framesDropped ?? 0);
    this.lag = new Histogram({
      name: `${METRIC_PREFIX}websocket_delivery_lag_seconds`,
      help: 'Time frames waited in a slow socket\'s outbox before being sent (frames sent at once wait 0 s and are not observed)',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.commit = new Histogram({
      name: `${METRIC_PREFIX}store_commit_seconds`,
      help: 'Time to commit one batch of task changes to the database',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers,
    });
    this.unsubscribe = engine.subscribe((event) => this.onEvent(event));
  }

  /** Reads socket counts and send counters from the server's hub; its delays feed the lag histogram. */
  attachSockets(source: SocketSource): void {
    this.sockets = source;
    source.delivery.onDelay = (ms) => this.lag.observe(ms / 1000);
  }

  /** Records one store commit (see SqliteTaskStore.onCommit). */
  observeCommit(ms: number): void {
    this.commit.observe(ms / 1000);
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** Stops listening to the engine. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.sockets) this.sockets.delivery.onDelay = undefined;
  }

  private onEvent(event: EngineEvent): void {
    if (event.type === 'taskQueued') {
      const kind = this.kinds.of(event.task.kind);
      const tally = this.submittedByKind.get(kind);
      if (tally) tally.count++;
      else this.submittedByKind.set(kind, { count: 1, reported: 0 });
      return;
    }
    if (event.type !== 'taskUpdated' || !event.stateChanged || !FINAL.has(event.task.state)) return;
    const task = event.task;
    const kind = this.kinds.of(task.kind);
    let byState = this.finishedByKind.get(kind);
    if (!byState) this.finishedByKind.set(kind, (byState = new Map()));
    const tally = byState.get(task.state);
    if (tally) tally.count++;
    else byState.set(task.state, { count: 1, reported: 0 });
    if (task.startedAt !== null && task.completedAt !== null) this.duration.observe(kind, Math.max(0, task.completedAt - task.startedAt) / 1000);
  }
}

/** A count kept as a plain number, and how much of it its prom-client counter has been told. */
interface Tally {
  count: number;
  reported: number;
}

/** Tells a counter what a tally gained since it was last scraped. */
function bringUp(tally: Tally, inc: (delta: number) => void): void {
  if (tally.count > tally.reported) inc(tally.count - tally.reported);
  tally.reported = tally.count;
}

/**
 * A counter whose value is kept elsewhere as a plain number (the send path's counters) and
 * brought up to date when scraped.
 */
function cumulative(name: string, help: string, registers: Registry[], read: () => number): void {
  const tally: Tally = { count: 0, reported: 0 };
  new Counter({
    name,
    help,
    registers,
    collect() {
      tally.count = read();
      bringUp(tally, (delta) => this.inc(delta));
    },
  });
}
