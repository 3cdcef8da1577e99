/**
 * The bound on ready continuations (Seastar's task quota, counted in continuations). A continuation whose
 * value is already there runs at once, without a trip through the event loop, until `bound` of them have
 * run in the current turn; later ones go to a deferred queue drained by setImmediate, so timers and sockets
 * get their turn between batches and a long chain of ready futures can never starve the shard's loop.
 * Continuations triggered while one is running are queued and run by the outermost one (a trampoline),
 * so long chains need no stack depth.
 */
export const DEFAULT_CONTINUATION_BOUND = 256;

type Task = () => void;

let bound = DEFAULT_CONTINUATION_BOUND;
let ranThisTurn = 0;
let resetQueued = false;
let running = false;
let ready: Task[] = [];
let deferred: Task[] = [];
let drainQueued = false;
let deferredTotal = 0;

/** Sets the bound for this thread (each shard has its own). 0 defers every continuation. */
export function setContinuationBound(value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`continuation bound must be >= 0, got ${value}`);
  bound = value;
}

export function continuationBound(): number {
  return bound;
}

/** How many continuations were deferred to a later loop turn so far (a per-shard metric). */
export function deferredContinuations(): number {
  return deferredTotal;
}

function resetTurn(): void {
  ranThisTurn = 0;
  resetQueued = false;
}

function runTask(task: Task): void {
  try {
    task();
  } catch (error) {
    // Continuations catch their own errors; anything escaping is a bug and must not be swallowed.
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** Runs queued ready tasks until the queue is empty or the budget of this turn is spent. */
function runReady(): void {
  running = true;
  let i = 0;
  while (i < ready.length) {
    if (ranThisTurn >= bound) {
      deferredTotal += ready.length - i;
      // One push per task: spreading a large batch into push() overflows the call stack (300,000 did).
      for (let k = i; k < ready.length; k++) deferred.push(ready[k]!);
      queueDrain();
      break;
    }
    ranThisTurn++;
    runTask(ready[i++]!);
    if (i >= 1024) {
      // Drop what has run, so a long chain of ready continuations does not grow the queue without end.
      ready = ready.slice(i);
      i = 0;
    }
  }
  ready = [];
  running = false;
}

function drainDeferred(): void {
  drainQueued = false;
  ready = deferred;
  deferred = [];
  // With bound 0 a deferred batch still makes progress: one continuation per loop turn.
  ranThisTurn = bound === 0 ? -1 : 0;
  queueReset();
  runReady();
}

function queueReset(): void {
  if (resetQueued) return;
  // The turn ends when the current macrotask and its microtasks are done.
  resetQueued = true;
  queueMicrotask(resetTurn);
}

function queueDrain(): void {
  if (drainQueued) return;
  drainQueued = true;
  setImmediate(drainDeferred);
}

/** Runs `task` now if the budget of this turn allows, otherwise on a later turn of the event loop. */
export function runContinuation(task: Task): void {
  if (ranThisTurn >= bound) {
    deferredTotal++;
    deferred.push(task);
    queueDrain();
    return;
  }
  ready.push(task);
  if (running) return;
  queueReset();
  runReady();
}
