import { describe, expect, it } from 'vitest';
import { quitPrompt } from './quit-confirmation.js';

describe('quitPrompt', () => {
  it('does not ask when nothing is running', () => {
    expect(quitPrompt({ running: 0, queued: 0 }, 10_000, true)).toBeNull();
    expect(quitPrompt({ running: 0, queued: 4 }, 10_000, true)).toBeNull();
  });

  it('asks when tasks are running, with Cancel as the safe default', () => {
    const prompt = quitPrompt({ running: 2, queued: 3 }, 10_000, true)!;
    expect(prompt.message).toBe('2 tasks are still running. Quit anyway?');
    expect(prompt.detail).toBe('Running tasks get 10 s to finish; any still running then go back to the queue and run again the next time the app starts. 3 queued tasks will run the next time the app starts.');
    expect(prompt.buttons[prompt.confirmIndex]).toBe('Quit');
    expect(prompt.buttons[prompt.cancelIndex]).toBe('Cancel');
  });

  it('says queued tasks are lost when nothing is kept on disk', () => {
    expect(quitPrompt({ running: 1, queued: 1 }, 10_000, false)!.detail).toBe(
      'Running tasks get 10 s to finish; any still running then are cancelled. 1 queued task will be lost (tasks are kept in memory only).',
    );
  });

  it('speaks of one task in the singular', () => {
    const prompt = quitPrompt({ running: 1, queued: 0 }, 2_000, true)!;
    expect(prompt.message).toBe('1 task is still running. Quit anyway?');
    expect(prompt.detail).toBe('Running tasks get 2 s to finish; any still running then go back to the queue and run again the next time the app starts.');
  });
});
