// The public face of nnlab: everything notebooks, exercises and tests import.
export * from "./matrix";
export * from "./random";
export * from "./activations";
export * from "./losses";
export * from "./init";
export * from "./mlp";
export * from "./gradcheck";
export * from "./optim";
export * from "./penalties";
export * from "./data";
export * as ag from "./autograd";
export { InitialNode, Operation, AutoMLP } from "./autograd";
export type { AutoMLPOptions } from "./autograd";
export * from "./tfjs";
export * from "./plot";
export { check, createCheck, CheckError } from "./check";
export type { Check, PartialResult } from "./check";
