import type WebSocket from 'ws';
import type { TaskService } from '../../engine/task-service.js';
import { bridgeEngineToSockets } from '../engine-bridge.js';
import type { SessionJournal } from '../session-journal.js';
import { sendFrame, sendMessage, type SocketHub } from '../socket-hub.js';
import { toTaskDto } from '../task-dto.js';
import type { ResumeRequest, SessionDelivery } from './session-delivery.js';

/**
 * One process numbers its sessions' messages itself (the {@link SessionJournal}), so a greeting
 * is one synchronous block: no engine event can slip between the greeting, the replay or
 * snapshot, and the live messages that follow.
 */
export class LocalDelivery implements SessionDelivery {
  private readonly unbridge: () => void;

  constructor(
    private readonly engine: TaskService,
    private readonly hub: SocketHub,
    private readonly journal: SessionJournal,
    private readonly snapshotLimit: number,
  ) {
    this.unbridge = bridgeEngineToSockets(engine, hub, journal);
  }

  attach(socket: WebSocket, sessionId: string, resume: ResumeRequest | undefined): void {
    const now = new Date().toISOString();
    this.journal.watch(sessionId);
    const epoch = this.journal.epochOf(sessionId);
    const seq = this.journal.currentSeq(sessionId);
    sendMessage(socket, { type: 'connection', data: { status: 'connected', socketId: sessionId, serverTime: now, epoch, seq }, timestamp: now });
    const resumed = resume ? this.journal.resume(sessionId, resume.epoch, resume.lastSeq) : { ok: false as const };
    if (resumed.ok) {
      for (const entry of resumed.missed) sendFrame(socket, entry.frame);
      sendMessage(socket, { type: 'resumed', data: { replayed: resumed.missed.length, seq, epoch }, timestamp: now });
      return;
    }
    const { items, total, counts } = this.engine.list({ clientId: sessionId, limit: this.snapshotLimit });
    sendMessage(socket, { type: 'snapshot', data: { tasks: items.map(toTaskDto), seq, epoch, total, counts }, timestamp: now });
  }

  detach(_socket: WebSocket, sessionId: string, last: boolean): void {
    if (last) this.journal.release(sessionId);
  }

  close(): void {
    this.unbridge();
  }
}
