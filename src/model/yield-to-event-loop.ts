/**
 * Gives the host's event loop a turn (rendering, input, timers, I/O) and resumes soon after. Uses the
 * best primitive the host has, found on first use:
 * - `setImmediate` (Node, Bun): runs after pending I/O, with no minimum delay;
 * - `MessageChannel` (browsers, workers, Deno): a task queued like any other, without `setTimeout`'s 4 ms
 *   clamp, so timers, input and painting get their turns between batches;
 * - `setTimeout(0)`; and where none exists (a bare JavaScript engine) a resolved promise, which at least
 *   lets promise callbacks run.
 * Not `scheduler.yield()`: Chromium runs its continuation ahead of other tasks, so a long fit starved the
 * page's timers (measured in Chromium: an abort `setTimeout` of 600 ms fired only when a 4 s fit ended, and
 * frames came at 8 per second; with MessageChannel it fired at 623 ms, with 43 frames per second).
 * Only ECMAScript globals are assumed, so this stays browser-safe and needs no DOM or Node typings.
 */
export function yieldToEventLoop(): Promise<void> {
  // Chosen on first use, not at import: importing handgrad must not create a MessageChannel nobody uses.
  chosen ??= pickYield();
  return chosen();
}

let chosen: (() => Promise<void>) | undefined;

interface HostGlobals {
  setImmediate?: (callback: () => void) => unknown;
  MessageChannel?: new () => {
    port1: { onmessage: ((event: unknown) => void) | null };
    port2: { postMessage(message: unknown): void };
  };
  setTimeout?: (callback: () => void, ms: number) => unknown;
}

function pickYield(): () => Promise<void> {
  const host = globalThis as HostGlobals;
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
