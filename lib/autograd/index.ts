// Automatic differentiation with InitialNode / Operation (the notes' design)
// and AutoMLP, a multi-layer perceptron assembled from those pieces.
export { Node, InitialNode, Operation, backpropagate, backwardNaive, topologicalOrder, toMatrix } from "./node";
export type { MatrixLike } from "./node";
export * from "./ops";
export * from "./losses";
export { AutoMLP } from "./automlp";
export type { AutoMLPOptions } from "./automlp";
