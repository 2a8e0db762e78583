/**
 * The task list drawn a page at a time: however many tasks the page holds, only one page of
 * cards is in the DOM (and in the first HTML). The page number is kept in the URL (`?page=3`),
 * so a reload, a shared link or a browser without scripts shows the same page. Pure.
 */
import type { ListView } from './list-view.js';

/**
 * Tasks per page: about what a large screen shows (10 cards; 25 one-line tasks in the compact
 * view). The first HTML carries one page, and the browser hydrates one page of cards.
 */
export const PAGE_SIZE: Readonly<Record<ListView, number>> = Object.freeze({ cards: 10, compact: 25 });

/**
 * Most tasks the list holds from the server without a search: the newest ones, as many as a
 * snapshot carries (the server's cap). The first HTML pages through no more than these either.
 */
export const LIST_LIMIT = 200;

/** One page of a list. */
export interface PageWindow<T> {
  /** The tasks on this page. */
  items: readonly T[];
  /** This page's number, from 1 (clamped to the pages there are). */
  page: number;
  /** How many pages there are (at least 1). */
  pages: number;
  /** Index of the first item on this page in the whole list (0-based). */
  offset: number;
  /** How many items the whole list has. */
  count: number;
}

/** How many pages `count` items make (at least one, an empty page). */
export function pageCount(count: number, size: number): number {
  return Math.max(1, Math.ceil(count / size));
}

/** Page `page` of `list`, clamped to the pages there are (a list that shrank shows its last page). */
export function pageOf<T>(list: readonly T[], page: number, size: number): PageWindow<T> {
  const pages = pageCount(list.length, size);
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const offset = (current - 1) * size;
  return { items: list.slice(offset, offset + size), page: current, pages, offset, count: list.length };
}

/**
 * A page the server rendered (before the page holds the list): its items are the page itself,
 * at `offset` in a list of `count` items.
 */
export function renderedPage<T>(items: readonly T[], offset: number, count: number, size: number): PageWindow<T> {
  const pages = pageCount(count, size);
  return { items, page: Math.min(pages, Math.floor(offset / size) + 1), pages, offset, count };
}

/** The page a URL asks for (`?page=3`); 1 when absent or not a positive whole number. */
export function readPage(params: URLSearchParams): number {
  const raw = params.get('page');
  if (raw === null || !/^[1-9][0-9]{0,5}$/.test(raw)) return 1;
  return Number(raw);
}

/** Writes the page into a URL's query (absent for the first page), keeping its other parameters. */
export function withPage(url: URL, page: number): URL {
  const next = new URL(url);
  if (page > 1) next.searchParams.set('page', String(page));
  else next.searchParams.delete('page');
  return next;
}

/** "21–40 of 200" (or "1 of 1"), what a page holds, for the pager. */
export function pageRange(window: Pick<PageWindow<unknown>, 'offset' | 'count' | 'items'>): string {
  const first = window.offset + 1;
  const last = window.offset + window.items.length;
  return first === last ? `${first} of ${window.count}` : `${first}–${last} of ${window.count}`;
}
