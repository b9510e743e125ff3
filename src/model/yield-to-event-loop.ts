/**
 * Gives the host's event loop a turn (rendering, input, timers, I/O) and resumes soon after. Uses the
 * best primitive the host has, found once:
 * - `scheduler.yield()` (recent browsers): resumes ahead of other queued tasks;
 * - `setImmediate` (Node): runs after pending I/O, with no minimum delay;
 * - `MessageChannel` (other browsers, workers): a macrotask without `setTimeout`'s 4 ms clamp;
 * - `setTimeout(0)`; and where none exists (a bare JavaScript engine) a resolved promise, which at least
 *   lets promise callbacks run.
 * Only ECMAScript globals are assumed, so this stays browser-safe and needs no DOM or Node typings.
 */
export const yieldToEventLoop: () => Promise<void> = pickYield();

interface HostGlobals {
  scheduler?: { yield?: () => Promise<void> };
  setImmediate?: (callback: () => void) => unknown;
  MessageChannel?: new () => {
    port1: { onmessage: ((event: unknown) => void) | null };
    port2: { postMessage(message: unknown): void };
  };
  setTimeout?: (callback: () => void, ms: number) => unknown;
}

function pickYield(): () => Promise<void> {
  const host = globalThis as HostGlobals;
  const scheduler = host.scheduler;
  if (typeof scheduler?.yield === 'function') return () => scheduler.yield!();
  const setImmediate = host.setImmediate;
  if (typeof setImmediate === 'function') return () => new Promise((resolve) => void setImmediate(resolve));
  if (typeof host.MessageChannel === 'function') {
    // One channel for the lifetime of the page; each message resumes the oldest waiting caller.
    const channel = new host.MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(null);
      });
  }
  const setTimeout = host.setTimeout;
  if (typeof setTimeout === 'function') return () => new Promise((resolve) => void setTimeout(resolve, 0));
  return () => Promise.resolve();
}
