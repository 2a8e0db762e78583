/**
 * The wire contract, re-exported as types only from the engine's single source of truth
 * (`src-engine/protocol/messages.ts`, aliased as `$protocol`). Nothing of the engine is bundled.
 */
export type {
  ClientMessage,
  OwnerServerMessage,
  ConnectionMessage,
  JobDto,
  JobListResponse,
  Envelope,
  PingMessage,
  PongMessage,
  ServerMessage,
  SnapshotMessage,
  SubscribeLogMessage,
  StartTaskRequest,
  StartTaskResponse,
  StatsPointDto,
  StatsTickMessage,
  TaskDto,
  TaskLogData,
  TaskLogLine,
  TaskLogMessage,
  TaskLogRefusedMessage,
  TaskProgressMessage,
  TaskQueuedMessage,
  TaskState,
  UnsubscribeLogMessage,
} from '$protocol/messages.js';

/** Duration limits of the `demo` kind in ms (mirrors `DEMO_DURATION` of the protocol module). */
export const DURATION_LIMITS = { min: 1000, max: 30000, default: 5000 } as const;

/** Steps of the `demo` kind (mirrors the engine): `failAtStep` takes 1..DEMO_STEPS. */
export const DEMO_STEPS = 10;

export type {
  MisfirePolicy,
  OverlapPolicy,
  QueueKindDto,
  QueueStateDto,
  ScheduleDto,
  ScheduleInput,
  SchedulePreviewDto,
} from '$protocol/schedules.js';
