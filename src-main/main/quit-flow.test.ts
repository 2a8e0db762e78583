import { describe, expect, it, vi } from 'vitest';
import type { ConfirmPrompt } from './quit-confirmation.js';
import { closingWindowQuits, QuitFlow, type QuitFlowDeps } from './quit-flow.js';

const PROMPT: ConfirmPrompt = { type: 'warning', title: 't', message: 'm', detail: 'd', buttons: ['Cancel', 'Quit'], confirmIndex: 1, cancelIndex: 0 };

function setup(overrides: Partial<QuitFlowDeps> = {}) {
  const order: string[] = [];
  const deps: QuitFlowDeps = {
    prompt: () => null,
    confirm: vi.fn(async () => true),
    shutdown: vi.fn(async () => void order.push('shutdown')),
    finish: vi.fn(() => void order.push('finish')),
    onStopping: vi.fn(() => void order.push('stopping')),
    ...overrides,
  };
  const event = () => ({ preventDefault: vi.fn() });
  return { flow: new QuitFlow(deps), deps, order, event };
}

describe('QuitFlow', () => {
  it('holds the quit, stops the engine, then quits for real', async () => {
    const { flow, deps, order, event } = setup();
    const first = event();
    await flow.onBeforeQuit(first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(deps.confirm).not.toHaveBeenCalled();
    expect(order).toEqual(['stopping', 'shutdown', 'finish']);
    expect(flow.done).toBe(true);
    // The repeated quit (from finish) goes through.
    const second = event();
    expect(flow.onBeforeQuit(second)).toBeUndefined();
    expect(second.preventDefault).not.toHaveBeenCalled();
  });

  it('asks when tasks are running, and stays when the user cancels', async () => {
    const { flow, deps, event } = setup({ prompt: () => PROMPT, confirm: vi.fn(async () => false) });
    await flow.onBeforeQuit(event());
    expect(deps.confirm).toHaveBeenCalledWith(PROMPT);
    expect(deps.shutdown).not.toHaveBeenCalled();
    expect(deps.finish).not.toHaveBeenCalled();
    expect(flow.state).toBe('running');
  });

  it('asks again at the next attempt after a cancel', async () => {
    const confirm = vi.fn().mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    const { flow, deps, event } = setup({ prompt: () => PROMPT, confirm });
    await flow.onBeforeQuit(event());
    await flow.onBeforeQuit(event());
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(deps.finish).toHaveBeenCalledTimes(1);
  });

  it('absorbs quit requests while asking or stopping', async () => {
    let answer!: (value: boolean) => void;
    const { flow, deps, event } = setup({ prompt: () => PROMPT, confirm: vi.fn(() => new Promise<boolean>((resolve) => (answer = resolve))) });
    const running = flow.onBeforeQuit(event());
    const again = event();
    expect(flow.onBeforeQuit(again)).toBeUndefined();
    expect(again.preventDefault).toHaveBeenCalled();
    expect(deps.confirm).toHaveBeenCalledTimes(1);
    answer(true);
    await running;
    expect(deps.finish).toHaveBeenCalledTimes(1);
  });

  it('quits even when shutdown fails, and reports it', async () => {
    const failure = new Error('stuck');
    const onError = vi.fn();
    const { flow, deps, event } = setup({ shutdown: vi.fn(async () => Promise.reject(failure)), onError });
    await flow.onBeforeQuit(event());
    expect(onError).toHaveBeenCalledWith(failure);
    expect(deps.finish).toHaveBeenCalled();
  });
});

describe('closingWindowQuits', () => {
  it('quits on Windows and Linux, not on macOS', () => {
    expect(closingWindowQuits('win32')).toBe(true);
    expect(closingWindowQuits('linux')).toBe(true);
    expect(closingWindowQuits('darwin')).toBe(false);
  });
});
