import { describe, expect, it } from 'vitest';
import { countsSummary, trayLabel } from './tray-label.js';

describe('trayLabel', () => {
  it('shows running and queued counts in the tooltip and the menu', () => {
    expect(trayLabel('Background Task Monitor', { running: 2, queued: 5 })).toEqual({
      tooltip: 'Background Task Monitor: 2 running, 5 queued',
      statusLines: ['Running: 2', 'Queued: 5'],
    });
  });

  it('says idle when there is nothing to do', () => {
    expect(countsSummary({ running: 0, queued: 0 })).toBe('Idle');
    expect(trayLabel('App', { running: 0, queued: 0 }).statusLines).toEqual(['Running: 0', 'Queued: 0']);
  });

  it('counts queued work even when nothing runs', () => {
    expect(countsSummary({ running: 0, queued: 3 })).toBe('0 running, 3 queued');
  });

  it('stays within the Windows tooltip limit', () => {
    expect(trayLabel('Background Task Monitor', { running: 1_000_000, queued: 1_000_000 }).tooltip.length).toBeLessThan(128);
  });
});
