/**
 * Counters the WebSocket send path keeps for metrics: plain numbers, bumped on the hot path
 * (a property increment per frame), read only when someone scrapes.
 */
export interface DeliveryStats {
  /** Frames handed to sockets. */
  framesSent: number;
  /** Progress ticks dropped because a newer tick of the same task replaced them in a slow socket's outbox. */
  framesCoalesced: number;
  /** Frames discarded with a socket cut off for falling too far behind. */
  framesDropped: number;
  /** Frames that had to wait in an outbox (the socket was slow). */
  framesDelayed: number;
  /** Hears how long each delayed frame waited, in ms, when it is finally sent. */
  onDelay?: (ms: number) => void;
}

/** Fresh, zeroed counters. */
export function newDeliveryStats(): DeliveryStats {
  return { framesSent: 0, framesCoalesced: 0, framesDropped: 0, framesDelayed: 0 };
}
