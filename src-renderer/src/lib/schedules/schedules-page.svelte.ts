/**
 * The schedules view's state (owner only): the schedules, the queue's switches and the last run of
 * each schedule, kept live over the owner's all-tasks socket (`/ws?scope=all`): `scheduleUpdated`,
 * `scheduleDeleted` and `queueState` frames, and the task messages of the runs. These frames carry
 * no sequence number, so after every (re)connect the lists are read again.
 */
import type { QueueStateDto, ScheduleDto, ScheduleInput, ServerMessage, TaskDto, TaskState } from '../protocol.js';
import { LiveConnection } from '../connection/live-connection.svelte.js';
import { socketUrl } from '../connection/socket-url.js';
import { ServerClock } from '../time/server-clock.svelte.js';
import { isNotOlder } from '../tasks/task-list.js';
import { removeSchedule, upsertSchedule } from './schedule-list.js';
import {
  createSchedule,
  deleteSchedule,
  fetchQueue,
  listSchedules,
  runScheduleNow,
  setQueuePaused,
  updateSchedule,
  type Outcome,
} from './schedules-api.js';

/** How many runs' tasks the page follows before forgetting those no schedule shows. */
const MAX_RUNS_HELD = 200;

/** What the server-rendered page hands over. */
export interface SchedulesInit {
  sessionId: string;
  schedules: ScheduleDto[];
  /** Null when the server has no queue control (or it could not be read). */
  queue: QueueStateDto | null;
  serverTime: string;
}

/** A schedule's last run as shown: its task's latest state when seen live, else the schedule's copy. */
export interface LastRun {
  taskId: string;
  state: TaskState;
  status: string;
}

/** Reactive state and actions of the schedules view. */
export class SchedulesPage {
  schedules = $state.raw<ScheduleDto[]>([]);
  queue = $state.raw<QueueStateDto | null>(null);
  /** The runs' tasks seen live, by id (only those that are some schedule's last run matter). */
  runs = $state.raw<ReadonlyMap<string, TaskDto>>(new Map());
  readonly clock: ServerClock;
  readonly connection: LiveConnection;
  readonly sessionId: string;
  #everSynced = false;

  constructor(init: SchedulesInit) {
    this.sessionId = init.sessionId;
    this.schedules = init.schedules;
    this.queue = init.queue;
    this.clock = new ServerClock(init.serverTime);
    this.connection = new LiveConnection({
      url: () => socketUrl(location, this.sessionId, null, true),
      onMessage: (message) => this.handle(message),
      onLog: () => {},
    });
  }

  /** Goes live (browser only). */
  start(): void {
    this.clock.start();
    this.connection.start();
  }

  stop(): void {
    this.connection.stop();
    this.clock.stop();
  }

  /** The last run of a schedule, with its task's state as last seen. */
  lastRunOf(schedule: ScheduleDto): LastRun | null {
    const id = schedule.lastTaskId ?? schedule.lastRun?.taskId ?? null;
    if (id === null) return null;
    const task = this.runs.get(id);
    if (task) return { taskId: id, state: task.state, status: task.status };
    return schedule.lastRun ?? null;
  }

  /** Applies one server message (exposed for tests). */
  handle(message: ServerMessage): void {
    switch (message.type) {
      case 'connection':
        this.clock.sync(message.data.serverTime);
        // Frames sent while no socket was open are not replayed: read the state again.
        if (this.#everSynced) void this.reload();
        this.#everSynced = true;
        break;
      case 'snapshot':
        this.#seeTasks(message.data.tasks);
        break;
      case 'taskQueued':
      case 'taskProgress':
        if (message.data.scheduleId !== null) this.#seeTasks([message.data]);
        break;
      case 'scheduleUpdated':
        this.schedules = upsertSchedule(this.schedules, message.data);
        break;
      case 'scheduleDeleted':
        this.schedules = removeSchedule(this.schedules, message.data.id);
        break;
      case 'queueState':
        this.queue = message.data;
        break;
      default:
        break;
    }
  }

  /** Reads the schedules and the queue again. */
  async reload(): Promise<void> {
    const [schedules, queue] = await Promise.all([listSchedules(fetch), fetchQueue(fetch)]);
    if (schedules.ok) this.schedules = schedules.value;
    if (queue.ok) this.queue = queue.value;
  }

  /** Creates a schedule whose runs land in this browser's session. */
  async create(input: ScheduleInput): Promise<Outcome<ScheduleDto>> {
    return this.#keep(await createSchedule(fetch, input, this.sessionId));
  }

  /** Changes a schedule (edit, enable, disable). */
  async update(id: string, change: Partial<ScheduleInput>): Promise<Outcome<ScheduleDto>> {
    return this.#keep(await updateSchedule(fetch, id, change));
  }

  /** Deletes a schedule (its past runs stay). */
  async remove(id: string): Promise<Outcome<string>> {
    const outcome = await deleteSchedule(fetch, id);
    if (outcome.ok) this.schedules = removeSchedule(this.schedules, id);
    return outcome;
  }

  /** Starts a run now; the run's task is followed at once. */
  async runNow(id: string): Promise<Outcome<{ schedule: ScheduleDto; task: TaskDto }>> {
    const outcome = await runScheduleNow(fetch, id);
    if (outcome.ok) {
      this.#seeTasks([outcome.value.task]);
      this.schedules = upsertSchedule(this.schedules, outcome.value.schedule);
    }
    return outcome;
  }

  /** Pauses or resumes the whole queue (`kind` null) or one kind. */
  async setPaused(paused: boolean, kind: string | null = null): Promise<Outcome<QueueStateDto>> {
    const outcome = await setQueuePaused(fetch, paused, kind);
    if (outcome.ok) this.queue = outcome.value;
    return outcome;
  }

  #keep(outcome: Outcome<ScheduleDto>): Outcome<ScheduleDto> {
    if (outcome.ok) this.schedules = upsertSchedule(this.schedules, outcome.value);
    return outcome;
  }

  #seeTasks(tasks: readonly TaskDto[]): void {
    const runs = tasks.filter((task) => task.scheduleId !== null);
    if (runs.length === 0) return;
    const next = new Map(this.runs);
    for (const task of runs) {
      const held = next.get(task.id);
      // Frames and HTTP answers about one task can cross: a copy that looks older loses.
      if (!held || isNotOlder(task, held)) next.set(task.id, task);
    }
    if (next.size > MAX_RUNS_HELD) {
      // Only a schedule's last run is shown: forget the others once there are many.
      const shown = new Set(this.schedules.map((schedule) => schedule.lastTaskId));
      for (const id of next.keys()) if (!shown.has(id) && next.size > MAX_RUNS_HELD / 2) next.delete(id);
    }
    this.runs = next;
  }
}
