// Students write ops. JavaScript sets a subclass's own fields only after
// `super(...)` returns, that is after Operation's constructor has run forward;
// these tests pin what an op with fields gets, and that an op without them
// still computes (and rejects bad inputs) at `new`.
import { describe, expect, it } from "vitest";
import { InitialNode, Matrix, Operation, Rng, ShapeError, ag } from "nnlab";

type Node = ag.Node;

/** x + offset, remembering its input for the gradient: a field read and a field written by forward. */
class shift extends Operation {
  private readonly offset = 10;
  private lastInput: Matrix | null = null;
  constructor(a: Node) {
    super(a);
  }
  protected forward(A: Matrix): Matrix {
    this.lastInput = A;
    return A.map((a) => a + this.offset);
  }
  gradient(): Matrix[] {
    if (this.lastInput === null) throw new Error("forward's cache was lost");
    return [this.grad as Matrix];
  }
}

/** Dropout as a student would write it: a random generator and a rate as fields, the mask kept for backward. */
class dropout extends Operation {
  rate: number;
  private readonly rng = new Rng(7);
  private mask: Matrix | null = null;
  constructor(a: Node, rate: number) {
    super(a);
    this.rate = rate;
  }
  protected forward(A: Matrix): Matrix {
    const keep = 1 - this.rate;
    this.mask = A.map(() => (this.rng.next() < keep ? 1 / keep : 0));
    return A.map((a, i, j) => a * (this.mask as Matrix).get(i, j));
  }
  gradient(): Matrix[] {
    const mask = this.mask as Matrix;
    return [(this.grad as Matrix).map((g, i, j) => g * mask.get(i, j))];
  }
}

/** Doubles its input, through a getter that reads a field. */
class twice extends Operation {
  private readonly k = 2;
  constructor(a: Node) {
    super(a);
  }
  get factor(): number {
    return this.k;
  }
  protected forward(A: Matrix): Matrix {
    return A.map((a) => a * this.factor);
  }
  gradient(): Matrix[] {
    return [(this.grad as Matrix).map((g) => g * this.factor)];
  }
}

/** Counts its forward runs; no fields of its own. */
let forwardRuns = 0;
class counted extends Operation {
  constructor(a: Node) {
    super(a);
  }
  protected forward(A: Matrix): Matrix {
    forwardRuns++;
    if (A.cols !== 2) throw new RangeError("counted: needs two columns");
    return A;
  }
  gradient(): Matrix[] {
    return [this.grad as Matrix];
  }
}

describe("an Operation subclass with its own fields", () => {
  it("gets a value computed with its fields in place", () => {
    expect(Array.from(new shift(new InitialNode([[1, 2]])).value.data)).toEqual([11, 12]);
    expect(Array.from(new twice(new InitialNode([[1, 2]])).value.data)).toEqual([2, 4]);
  });

  it("keeps what forward cached for the gradient, also as an input of another op", () => {
    const x = new InitialNode([[1, 2]]);
    const loss = new ag.sum(new shift(x));
    expect(loss.value.data[0]).toBe(23);
    loss.backward();
    expect(Array.from((x.grad as Matrix).data)).toEqual([1, 1]);
  });

  it("may call methods of its field objects in forward (a random generator): no error at `new`", () => {
    const x = new InitialNode(Matrix.ones(4, 5));
    const d = new dropout(x, 0.5);
    const values = Array.from(d.value.data);
    expect(values.every((v) => v === 0 || v === 2)).toBe(true);
    expect(values.filter((v) => v === 0).length).toBeGreaterThan(0);
    new ag.sum(d).backward();
    // The gradient uses the mask of the same forward run that made the value.
    expect(Array.from((x.grad as Matrix).data)).toEqual(values);
  });

  it("runs forward once, on first use", () => {
    const d = new dropout(new InitialNode(Matrix.ones(3, 3)), 0.5);
    expect(d.value).toBe(d.value);
  });
});

describe("an Operation subclass without fields", () => {
  it("computes its value at `new`, once", () => {
    forwardRuns = 0;
    const op = new counted(new InitialNode([[1, 2]]));
    expect(forwardRuns).toBe(1);
    expect(Array.from(op.value.data)).toEqual([1, 2]);
    expect(forwardRuns).toBe(1);
  });

  it("throws at `new` when forward rejects its inputs", () => {
    expect(() => new counted(new InitialNode([[1, 2, 3]]))).toThrow(/needs two columns/);
    expect(() => new ag.mm(new InitialNode([[1, 2]]), new InitialNode([[1, 2]]))).toThrow(ShapeError);
    expect(() => new ag.logistic_loss(new InitialNode([[1], [2]]), new InitialNode([[1]]))).toThrow(ShapeError);
  });
});
