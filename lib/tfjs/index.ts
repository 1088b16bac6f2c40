// TensorFlow.js side of nnlab: backend choice, Matrix ↔ tensor, the tfjs twin
// of an MLP and gradient comparisons against it.
export { tfjs, loadBackend, activeBackend, backendMessage, backendFallbackReasons, withBackend, isMissingKernelError } from "./backend";
export type { Tf, BackendName } from "./backend";
export { toTensor, fromTensor } from "./convert";
export type { TensorDtype } from "./convert";
export { TfjsTwin, tfjsTwin, labelsTensor } from "./twin";
export { compareGradients, gradientDifference, checkAgainstTfjs } from "./compare";
export type { ParameterDifference, GradientComparison, TfjsCheck } from "./compare";
