import type { TaskKind } from '../engine/task-kind.js';
import type { JobAudience } from '../protocol/messages.js';

/** Who a request acts for, as far as jobs care: the owner, or a paired device. */
export type Audience = JobAudience;

/** Whether `audience` may see and start tasks of this kind (kinds that say nothing allow everyone). */
export function mayStart(kind: Pick<TaskKind<unknown>, 'allow'>, audience: Audience): boolean {
  return kind.allow === undefined || kind.allow.includes(audience);
}
