// SGD's update w ← w − α·g as a loop of its own (lib/optim/optimizers.ts
// holds the optimiser). Written inside SGD.update, this loop was short enough
// for V8's middle compiler (Maglev, Node 22 and 24) to copy into the
// Maglev-compiled training step that calls it, where it ran about 3× slower
// and stayed (Maglev code does not move on to the optimising compiler from
// inside a loop): P2 took 160 ms per epoch from the sixth epoch on instead of
// 126. Maglev copies functions of under 100 bytes of bytecode; four entries
// per turn make this one 180 bytes, and it keeps its own optimised code.

/** w[i] ← w[i] − α·g[i] for every i, in place. */
export function descend(w: Float64Array, g: Float64Array, lr: number): void {
  const n = w.length, n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    w[i] -= lr * g[i];
    w[i + 1] -= lr * g[i + 1];
    w[i + 2] -= lr * g[i + 2];
    w[i + 3] -= lr * g[i + 3];
  }
  for (let i = n4; i < n; i++) w[i] -= lr * g[i];
}
