// Small two-dimensional data sets, generated from a seed (nothing is
// downloaded). Each returns { X: N×2, y: N×1 } with rows in random order and
// integer class labels 0, 1, … (convert with toPlusMinusOne for the logistic
// loss). The same seed always gives the same points.

import { linspace } from "../linspace";
import { Matrix } from "../matrix";
import { Rng } from "../random";
import { Dataset } from "./dataset";
import { toPlusMinusOne } from "./encoding";

function checkCount(n: number, what: string, where: string): void {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${where}: ${what} must be a positive integer, got ${n}`);
}

function checkNoise(noise: number, where: string): void {
  if (!(noise >= 0 && Number.isFinite(noise))) throw new RangeError(`${where}: noise must be a finite number ≥ 0, got ${noise}`);
}

/** Builds the data set from generated (x0, x1, label) triples, then shuffles the rows. */
function shuffled(points: [number, number, number][], rng: Rng): Dataset {
  const order = rng.permutation(points.length);
  return {
    X: Matrix.fromRows(order.map((i) => [points[i][0], points[i][1]])),
    y: Matrix.column(order.map((i) => points[i][2])),
  };
}

/**
 * XOR: the corners (0,0), (1,0), (0,1), (1,1) in turn, each point moved by
 * Gaussian noise with sd `noise`; label 1 when exactly one coordinate is 1
 * (the notes' XOR network separates this pattern).
 */
export function xor(n = 200, noise = 0.1, seed = 0): Dataset {
  checkCount(n, "n", "xor");
  checkNoise(noise, "xor");
  const rng = new Rng(seed);
  const corners = [[0, 0], [1, 0], [0, 1], [1, 1]];
  const points: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const [a, b] = corners[i % 4];
    points.push([a + rng.normal(0, noise), b + rng.normal(0, noise), a ^ b]);
  }
  return shuffled(points, rng);
}

/**
 * Two interleaving half circles (the geometry of scikit-learn's make_moons):
 * label 0 on the upper arc (cos t, sin t), label 1 on the lower arc
 * (1 − cos t, 0.5 − sin t), t evenly spaced in [0, π], ⌊n/2⌋ points on the
 * first arc and the rest on the second, plus Gaussian noise with sd `noise`.
 */
export function twoMoons(n = 200, noise = 0.1, seed = 0): Dataset {
  checkCount(n, "n", "twoMoons");
  checkNoise(noise, "twoMoons");
  const rng = new Rng(seed);
  const nUpper = Math.floor(n / 2);
  const points: [number, number, number][] = [];
  for (const t of linspace(0, Math.PI, nUpper)) points.push([Math.cos(t), Math.sin(t), 0]);
  for (const t of linspace(0, Math.PI, n - nUpper)) points.push([1 - Math.cos(t), 0.5 - Math.sin(t), 1]);
  for (const p of points) {
    p[0] += rng.normal(0, noise);
    p[1] += rng.normal(0, noise);
  }
  return shuffled(points, rng);
}

/**
 * Two concentric circles: label 0 on the unit circle, label 1 on a circle of
 * radius `factor` (0 < factor < 1), angles evenly spaced, plus Gaussian noise.
 */
export function circles(n = 200, noise = 0.05, seed = 0, factor = 0.5): Dataset {
  checkCount(n, "n", "circles");
  checkNoise(noise, "circles");
  if (!(factor > 0 && factor < 1)) throw new RangeError(`circles: factor must be in (0, 1), got ${factor}`);
  const rng = new Rng(seed);
  const nOuter = Math.floor(n / 2);
  const points: [number, number, number][] = [];
  const ring = (count: number, radius: number, label: number) => {
    for (let k = 0; k < count; k++) {
      const t = (2 * Math.PI * k) / count;
      points.push([radius * Math.cos(t) + rng.normal(0, noise), radius * Math.sin(t) + rng.normal(0, noise), label]);
    }
  };
  ring(nOuter, 1, 0);
  ring(n - nOuter, factor, 1);
  return shuffled(points, rng);
}

/**
 * `classes` spiral arms with `nPerClass` points each: along arm c the radius
 * grows from 0 to 1 while the angle sweeps 4 radians starting at 4c, with
 * Gaussian noise of sd `noise` on the angle. Labels 0..classes−1 (the coding
 * of softmax cross-entropy). Not linearly separable for classes ≥ 2.
 */
export function spirals(nPerClass = 100, classes = 3, noise = 0.2, seed = 0): Dataset {
  checkCount(nPerClass, "nPerClass", "spirals");
  checkCount(classes, "classes", "spirals");
  checkNoise(noise, "spirals");
  const rng = new Rng(seed);
  const points: [number, number, number][] = [];
  for (let c = 0; c < classes; c++) {
    const radii = linspace(0, 1, nPerClass);
    const angles = linspace(4 * c, 4 * (c + 1), nPerClass);
    for (let k = 0; k < nPerClass; k++) {
      const t = angles[k] + rng.normal(0, noise);
      points.push([radii[k] * Math.sin(t), radii[k] * Math.cos(t), c]);
    }
  }
  return shuffled(points, rng);
}

/**
 * The notes' 500 two-dimensional points (lecture 13: the hand-coded ANN, the
 * momentum/Adagrad/RMSProp runs and the torch version all train on them).
 *
 * The notes do not say how the points were made; they show only their shape
 * (500×2), binary labels, and the first rows, e.g. (1.66, −0.40),
 * (0.94, −0.44), (−0.04, 0.92), (2.05, 0.33). Those rows lie on the two
 * half-moons of twoMoons at a typical distance of about 0.1, so this is an
 * equivalent, seeded set: twoMoons(500, noise 0.1, seed). It is not the
 * notes' exact sample.
 *
 * Labels are 0/1 (as in the notes' torch code); `labels: "pm1"` gives −1/1 (as
 * in their hand-coded ANN, and lib's logistic loss).
 */
export function notesPoints(options: { seed?: number; labels?: "01" | "pm1" } = {}): Dataset {
  const data = twoMoons(500, 0.1, options.seed ?? 0);
  const labels = options.labels ?? "01";
  if (labels !== "01" && labels !== "pm1") throw new RangeError(`notesPoints: labels must be "01" or "pm1", got ${String(labels)}`);
  return labels === "pm1" ? { X: data.X, y: toPlusMinusOne(data.y) } : data;
}
