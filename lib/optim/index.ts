// Learning rules: the gradient-step exercise (full / minibatch / stochastic),
// the optimisers SGD, Momentum, Adagrad, RMSProp and Adam, and early stopping.
export * from "./gradient-step";
export * from "./optimizers";
export * from "./early-stopping";
