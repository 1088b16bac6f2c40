// Data: the Dataset shape, minibatches (DataLoader), splits, scaling, label
// codings, generated 2-D data sets and the real digits from `mnist`.
export * from "./dataset";
export * from "./loader";
export * from "./split";
export * from "./scaling";
export * from "./encoding";
export * from "./datasets";
export * from "./digits";
