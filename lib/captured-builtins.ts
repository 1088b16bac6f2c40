// Built-ins as they were when this module loaded, for the code that must keep
// its meaning after a student's code has replaced them (`Object.keys = …`,
// `Math.abs = …`, `RegExp.prototype.test = …`): `check` (lib/check.ts) and the
// grader's agent in the student's kernel (tools/grader/sandbox/), which loads
// before any notebook code runs. The one list of them.
//
// Take what you need once, when your module loads:
//   const { ObjectKeys, MathAbs } = builtins;
// (a local const; calling `builtins.ObjectKeys(…)` later would look the
// function up again, on an object a student could reach through require).
// A prototype method is called through ReflectApply, never as `x.method()`.

export const builtins = Object.freeze({
  ObjectIs: Object.is,
  ObjectKeys: Object.keys,
  ObjectFreeze: Object.freeze,
  ObjectDefineProperty: Object.defineProperty,
  ObjectGetPrototypeOf: Object.getPrototypeOf,
  ObjectGetOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
  ObjectPrototype: Object.prototype,
  ArrayIsArray: Array.isArray,
  ArrayBufferIsView: ArrayBuffer.isView,
  DataViewCtor: DataView,
  MathAbs: Math.abs,
  MathMax: Math.max,
  NumberIsFinite: Number.isFinite,
  NumberIsNaN: Number.isNaN,
  ReflectApply: Reflect.apply,
  StringCtor: String,
  JSONStringify: JSON.stringify,
  JSONParse: JSON.parse,
  ErrorCtor: Error,
  ErrorCaptureStackTrace: (Error as { captureStackTrace?: (o: object, f?: Function) => void }).captureStackTrace,
  RegExpCtor: RegExp,
  RegExpTest: RegExp.prototype.test,
  MapCtor: Map,
  SetCtor: Set,
});
