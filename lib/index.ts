// The public face of nnlab: everything notebooks, exercises and tests import.
export * from "./matrix";
