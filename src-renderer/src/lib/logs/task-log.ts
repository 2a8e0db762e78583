/**
 * A task's log as the page holds it: lines in `seq` order without repeats, capped to the latest
 * {@link LOG_LINE_CAP} (the DOM stays small; the download has everything), and search within it.
 * Pure functions over plain values; `task-log-feed.svelte.ts` keeps one per open log view.
 */
import type { TaskLogLine } from '../protocol.js';
import { parseAnsi, stripAnsi, type AnsiSegment } from './ansi.js';

/** Most lines kept (and rendered) per log view. */
export const LOG_LINE_CAP = 5000;

/** What the page holds of one task's log. */
export interface TaskLogState {
  /** Oldest first, each `seq` once, at most the cap. */
  lines: readonly TaskLogLine[];
  /** Number of the last line received or covered by a frame (resume with `after` = this). */
  lastSeq: number;
  /** Lines received but no longer held (over the cap). */
  trimmed: number;
  /** Lines the server left out (a backlog longer than it sends, a task writing faster than frames carry). */
  skipped: number;
}

/** An empty log. */
export const EMPTY_LOG: TaskLogState = Object.freeze({ lines: [], lastSeq: 0, trimmed: 0, skipped: 0 });

/**
 * Adds lines (a `taskLog` frame or a REST page): those at or below `lastSeq` are repeats (a
 * resubscription after a reconnect can overlap) and are ignored, so no line shows twice.
 * `coveredSeq` (the frame's `seq`) moves `lastSeq` even when lines were left out.
 */
export function appendLog(state: TaskLogState, incoming: readonly TaskLogLine[], coveredSeq = 0, skipped = 0, cap = LOG_LINE_CAP): TaskLogState {
  const fresh = incoming.filter((line) => line.seq > state.lastSeq);
  fresh.sort((a, b) => a.seq - b.seq);
  const unique = fresh.filter((line, i) => i === 0 || line.seq !== fresh[i - 1]!.seq);
  const newest = unique.length > 0 ? unique[unique.length - 1]!.seq : 0;
  const lastSeq = Math.max(state.lastSeq, newest, coveredSeq);
  if (unique.length === 0 && lastSeq === state.lastSeq && skipped === 0) return state;
  const all = unique.length === 0 ? state.lines : [...state.lines, ...unique];
  const over = Math.max(0, all.length - cap);
  return {
    lines: over > 0 ? all.slice(over) : all,
    lastSeq,
    trimmed: state.trimmed + over,
    skipped: state.skipped + Math.max(0, skipped),
  };
}

/**
 * Adds older lines in front of those held (the part of a long log the first live frame left
 * out, read over REST): only lines older than the first one held, at most up to the cap; the
 * count of lines not shown goes down by as many.
 */
export function prependLog(state: TaskLogState, older: readonly TaskLogLine[], cap = LOG_LINE_CAP): TaskLogState {
  const first = state.lines[0]?.seq ?? state.lastSeq + 1;
  const room = cap - state.lines.length;
  const fresh = older.filter((line) => line.seq < first).sort((a, b) => a.seq - b.seq);
  const unique = fresh.filter((line, i) => i === 0 || line.seq !== fresh[i - 1]!.seq);
  const added = room > 0 ? unique.slice(Math.max(0, unique.length - room)) : [];
  if (added.length === 0) return state;
  return { ...state, lines: [...added, ...state.lines], skipped: Math.max(0, state.skipped - added.length) };
}

/** A piece of a rendered line: an ANSI-styled run, split where search matches start and end. */
export interface LinePiece extends AnsiSegment {
  /** Part of a search match. */
  hit: boolean;
}

/** Where `query` occurs in `text` (case-insensitive, not overlapping), as [start, end) pairs. */
export function findAll(text: string, query: string): [number, number][] {
  const needle = query.toLowerCase();
  if (needle === '') return [];
  const haystack = text.toLowerCase();
  const ranges: [number, number][] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) ranges.push([at, at + needle.length]);
  return ranges;
}

/** A line's pieces: its ANSI segments, with the search matches (over the visible text) marked. */
export function linePieces(text: string, query: string): LinePiece[] {
  const segments = parseAnsi(text);
  const ranges = findAll(segments.map((s) => s.text).join(''), query);
  if (ranges.length === 0) return segments.map((s) => ({ ...s, hit: false }));
  const pieces: LinePiece[] = [];
  let offset = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    let at = offset;
    for (const [from, to] of ranges) {
      if (to <= at || from >= end) continue;
      if (from > at) pieces.push({ text: segment.text.slice(at - offset, from - offset), style: segment.style, hit: false });
      const stop = Math.min(to, end);
      pieces.push({ text: segment.text.slice(Math.max(from, at) - offset, stop - offset), style: segment.style, hit: true });
      at = stop;
    }
    if (at < end) pieces.push({ text: segment.text.slice(at - offset), style: segment.style, hit: false });
    offset = end;
  }
  return pieces;
}

/** Search result over the held lines: the `seq` of each matching line and the number of matches. */
export function searchLog(lines: readonly TaskLogLine[], query: string): { seqs: number[]; count: number } {
  const seqs: number[] = [];
  let count = 0;
  if (query === '') return { seqs, count };
  for (const line of lines) {
    const n = findAll(stripAnsi(line.text), query).length;
    if (n > 0) {
      seqs.push(line.seq);
      count += n;
    }
  }
  return { seqs, count };
}

/** The text marker of a line's source, so stdout and stderr differ by more than colour. */
export function streamMarker(line: TaskLogLine): string {
  if (line.stream === 'stderr') return 'err';
  if (line.stream === 'stdout') return 'out';
  return line.level && line.level !== 'info' ? line.level : 'log';
}

/** The latest line's visible text (for a card's summary), or null. */
export function latestText(state: TaskLogState): string | null {
  for (let i = state.lines.length - 1; i >= 0; i--) {
    const text = stripAnsi(state.lines[i]!.text).trim();
    if (text !== '') return text;
  }
  return null;
}

/** How far from the bottom (px) a log view may be scrolled and still count as at the end. */
export const FOLLOW_SLACK_PX = 40;

/**
 * Whether a scroll position is away from the end of the log, i.e. the person scrolled up to read:
 * following then stops, so new lines do not pull the view away from what is being read.
 */
export function scrolledAway(box: { scrollHeight: number; scrollTop: number; clientHeight: number }): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight > FOLLOW_SLACK_PX;
}
