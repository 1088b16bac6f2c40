// Whether a large product is faster with the worker thread, decided by timing.
//
// The worker (threads.ts) only pays when a core is idle: on a machine busy
// with other work, waking it costs more than its share of the rows saves
// (measured on 2 cores under a load average of 8–12: 1.1–2.5× slower). So
// each product shape is timed both ways at first and again now and then, and
// the faster way is used in between. The numbers do not depend on the choice.

/** First products of a shape: both ways, untimed (memory growth, compilation). */
const WARM_UP = 2;
/** Then both ways in turn, timed, before choosing. */
const PROBES = 6;
/** After that, every REPROBE-th product of a shape is timed the other way. */
const REPROBE = 32;
/** Times kept per shape and way; their median decides. */
const KEPT = 5;
/** Shapes remembered (a notebook may multiply many); beyond this, start over. */
const MAX_SHAPES = 64;

interface ShapeTimes {
  runs: number;
  /** Recent seconds on one thread, and with the worker. */
  seconds: [number[], number[]];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export class ThreadChoice {
  private readonly shapes = new Map<string, ShapeTimes>();

  /** Whether the next product of shape `key` should use the worker. */
  useWorker(key: string): boolean {
    let s = this.shapes.get(key);
    if (s === undefined) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      s = { runs: 0, seconds: [[], []] };
      this.shapes.set(key, s);
    }
    const run = s.runs++;
    if (run < WARM_UP + PROBES) return run % 2 === 1;
    const workerFaster = median(s.seconds[1]) < median(s.seconds[0]);
    return run % REPROBE === 0 ? !workerFaster : workerFaster;
  }

  /** Records how long the product useWorker was last asked about took. */
  record(key: string, worker: boolean, seconds: number): void {
    const s = this.shapes.get(key);
    if (s === undefined || s.runs <= WARM_UP) return;
    const times = s.seconds[worker ? 1 : 0];
    times.push(seconds);
    if (times.length > KEPT) times.shift();
  }
}
