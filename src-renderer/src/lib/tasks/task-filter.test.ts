import { describe, expect, it } from 'vitest';
import { countFor, describeFilter, filterTasks, isFiltering, listSummary, matchesFilter, NO_FILTER, readFilter, sameFilter, withFilter } from './task-filter.js';
import { countTasks } from './task-list.js';
import { running, task } from './test-tasks.js';

const list = [
  task({ id: '1', name: 'Nightly Report', state: 'failed' }),
  running('2', 30),
  task({ id: '3', name: 'report (weekly)', state: 'completed' }),
  task({ id: '4', name: 'Import', state: 'failed' }),
  task({ id: '5', name: 'Resize images' }),
];

describe('filterTasks', () => {
  it('returns the list itself when nothing is filtered', () => {
    expect(filterTasks(list, NO_FILTER)).toBe(list);
    expect(filterTasks(list, { state: null, q: '   ' })).toBe(list);
  });

  it('narrows by state', () => {
    expect(filterTasks(list, { state: 'failed', q: '' }).map((t) => t.id)).toEqual(['1', '4']);
    expect(filterTasks(list, { state: 'cancelled', q: '' })).toEqual([]);
  });

  it('searches names case-insensitively, by substring, ignoring surrounding blanks', () => {
    expect(filterTasks(list, { state: null, q: 'REPORT' }).map((t) => t.id)).toEqual(['1', '3']);
    expect(filterTasks(list, { state: null, q: ' port ' }).map((t) => t.id)).toEqual(['1', '3', '4']);
    expect(filterTasks(list, { state: null, q: '(weekly)' }).map((t) => t.id)).toEqual(['3']);
  });

  it('combines state and search', () => {
    expect(filterTasks(list, { state: 'failed', q: 'report' }).map((t) => t.id)).toEqual(['1']);
    expect(matchesFilter(list[2]!, { state: 'failed', q: 'report' })).toBe(false);
  });
});

describe('isFiltering and sameFilter', () => {
  it('tells whether a filter narrows, and compares what filters show', () => {
    expect(isFiltering(NO_FILTER)).toBe(false);
    expect(isFiltering({ state: 'queued', q: '' })).toBe(true);
    expect(isFiltering({ state: null, q: 'x' })).toBe(true);
    expect(sameFilter({ state: null, q: ' Report' }, { state: null, q: 'report ' })).toBe(true);
    expect(sameFilter({ state: 'failed', q: '' }, NO_FILTER)).toBe(false);
  });
});

describe('readFilter and withFilter', () => {
  it('reads state and q from the query, ignoring unknown states and blank searches', () => {
    expect(readFilter(new URLSearchParams('state=failed&q=report'))).toEqual({ state: 'failed', q: 'report' });
    expect(readFilter(new URLSearchParams('state=bogus&q=%20%20'))).toEqual(NO_FILTER);
    expect(readFilter(new URLSearchParams(''))).toEqual(NO_FILTER);
    expect(readFilter(new URLSearchParams(`q=${'x'.repeat(300)}`)).q).toHaveLength(200);
  });

  it('writes the filter into the URL, keeping other parameters, and round-trips', () => {
    const url = new URL('http://host/?lang=en&state=running');
    const next = withFilter(url, { state: 'failed', q: 'Nightly report' });
    expect(next.search).toBe('?lang=en&state=failed&q=Nightly+report');
    expect(readFilter(next.searchParams)).toEqual({ state: 'failed', q: 'Nightly report' });
    expect(withFilter(next, NO_FILTER).search).toBe('?lang=en');
    expect(url.search).toBe('?lang=en&state=running');
  });
});

describe('countFor', () => {
  it('counts one state, or every state for "all"', () => {
    const counts = countTasks(list);
    expect(countFor(counts, null)).toBe(5);
    expect(countFor(counts, 'failed')).toBe(2);
  });
});

describe('listSummary', () => {
  it('says nothing when everything is shown', () => {
    expect(listSummary({ shown: 5, loaded: 5, total: 5, filtering: false })).toBeNull();
  });
  it('says when only the newest tasks are loaded', () => {
    expect(listSummary({ shown: 200, loaded: 200, total: 340, filtering: false })).toBe('Showing the newest 200 of 340 tasks');
  });
  it('says how many of the session a filter shows', () => {
    expect(listSummary({ shown: 2, loaded: 5, total: 5, filtering: true })).toBe('Showing 2 of 5 tasks');
    expect(listSummary({ shown: 0, loaded: 1, total: 0, filtering: true })).toBe('Showing 0 of 1 task');
  });
});

describe('describeFilter', () => {
  it('describes the active filter in words', () => {
    expect(describeFilter({ state: 'failed', q: ' report ' })).toBe('failed tasks with “report” in the name');
    expect(describeFilter({ state: null, q: 'x' })).toBe('tasks with “x” in the name');
    expect(describeFilter({ state: 'running', q: '' })).toBe('running tasks');
  });
});

describe('the owner’s filters: kind, session, creation time', () => {
  it('round-trips through the URL and drops malformed times', () => {
    const filter = readFilter(new URLSearchParams('state=failed&kind=resize&session=abc&after=2026-12-01T10:00&before=tomorrow'));
    expect(filter).toEqual({ state: 'failed', q: '', kind: 'resize', session: 'abc', after: '2026-12-01T10:00' });
    expect(withFilter(new URL('http://x/?scope=all'), filter).search).toBe('?scope=all&state=failed&kind=resize&session=abc&after=2026-12-01T10%3A00');
    expect(isFiltering({ state: null, q: '', kind: 'resize' })).toBe(true);
  });

  it('matches kind and session exactly and the time range in UTC, after inclusive, before exclusive', () => {
    const t = task({ id: 'a', kind: 'resize', clientId: 's1', createdAt: '2026-12-01T10:00:00.000Z' });
    expect(matchesFilter(t, { state: null, q: '', kind: 'resize', session: 's1' })).toBe(true);
    expect(matchesFilter(t, { state: null, q: '', kind: 'demo' })).toBe(false);
    expect(matchesFilter(t, { state: null, q: '', session: 's2' })).toBe(false);
    expect(matchesFilter(t, { state: null, q: '', after: '2026-12-01T10:00' })).toBe(true);
    expect(matchesFilter(t, { state: null, q: '', before: '2026-12-01T10:00' })).toBe(false);
    expect(matchesFilter(t, { state: null, q: '', after: '2026-12-01T09:00', before: '2026-12-01T10:01' })).toBe(true);
  });
});
