import { describe, expect, it } from 'vitest';
import { pageCount, pageOf, pageRange, readPage, renderedPage, withPage } from './task-pages.js';

const list = Array.from({ length: 45 }, (_, i) => i + 1);

describe('task pages', () => {
  it('cuts a list into pages of the given size, the last one shorter', () => {
    expect(pageOf(list, 1, 20)).toMatchObject({ items: list.slice(0, 20), page: 1, pages: 3, offset: 0, count: 45 });
    expect(pageOf(list, 3, 20)).toMatchObject({ items: [41, 42, 43, 44, 45], page: 3, offset: 40 });
  });

  it('clamps a page past the end to the last page, and nonsense to the first', () => {
    expect(pageOf(list, 9, 20).page).toBe(3);
    expect(pageOf(list, 0, 20).page).toBe(1);
    expect(pageOf(list, Number.NaN, 20).page).toBe(1);
    expect(pageOf([], 4, 20)).toMatchObject({ items: [], page: 1, pages: 1, count: 0 });
  });

  it('counts pages, an empty list being one empty page', () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(20, 20)).toBe(1);
    expect(pageCount(21, 20)).toBe(2);
  });

  it('describes a page the server rendered by its offset in the whole list', () => {
    expect(renderedPage([21, 22], 20, 200, 20)).toMatchObject({ page: 2, pages: 10, offset: 20, count: 200 });
  });

  it('reads and writes the page in the URL, the first page being no parameter', () => {
    expect(readPage(new URLSearchParams('page=3'))).toBe(3);
    for (const bad of ['page=0', 'page=-2', 'page=x', 'page=1.5', '']) expect(readPage(new URLSearchParams(bad))).toBe(1);
    expect(withPage(new URL('http://h/?state=failed'), 2).search).toBe('?state=failed&page=2');
    expect(withPage(new URL('http://h/?page=2&view=compact'), 1).search).toBe('?view=compact');
  });

  it('says which items a page holds', () => {
    expect(pageRange(pageOf(list, 2, 20))).toBe('21–40 of 45');
    expect(pageRange(pageOf([7], 1, 20))).toBe('1 of 1');
  });
});
