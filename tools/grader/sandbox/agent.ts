// The grader's agent inside the sandboxed kernel process.
//
// The kernel child (tools/engine/child.ts) requires this module before any
// notebook code runs. It
//   1. takes the per-submission secret from the environment (and removes it),
//   2. cuts the network off (Node 20's permission model has no network switch),
//      stops signals to other processes and the heap-snapshot escape hatches,
//   3. installs the global `nnlabGrader` (non-writable, non-configurable):
//      the trusted `check` helper and begin/end markers that the grader wraps
//      around every test run,
//   4. reports each test run that reached its end marker to the parent as a
//      message authenticated with HMAC-SHA256 under the secret.
//
// The parent gives a test its points only for such a report. Student code
// runs in the same process, so everything here captures the built-ins it
// uses at load time, and the secret never leaves this module's closure.
import type { KernelChildApi } from "../../engine/protocol";
import { createCheck, PartialResult } from "../../../lib/check";
import { hmacSha256Hex } from "./hmac";

export const AGENT_GLOBAL = "nnlabGrader";
export const KEY_ENV = "NNLAB_GRADER_KEY";

const ObjectDefineProperty = Object.defineProperty;
const ObjectFreeze = Object.freeze;
const JSONStringify = JSON.stringify;
const ReflectApply = Reflect.apply;
const MathMin = Math.min;
const ErrorCtor = Error;

/** The message the parent checks: `payload` is JSON of an Attestation, `mac` its HMAC. */
export interface AgentMessage {
  nnlabGrader: 1;
  payload: string;
  mac: string;
}

/** What a test run proves when it reaches its end marker. */
export interface Attestation {
  run: number;
  /** Lowest fraction reported by check.partial in this run (1 when it was not used). */
  fraction: number;
  partials: PartialResult[];
}

/** The nonce of test run `run`: derived from the key, so the parent needs to send no list. */
export function runNonce(key: string, run: number): string {
  return hmacSha256Hex(key, `run:${run}`).slice(0, 32);
}

const key = process.env[KEY_ENV];
delete process.env[KEY_ENV];

let send: ((message: unknown) => void) | undefined;

/** Called by the kernel child with its result channel. */
export function setupKernelChild(api: KernelChildApi): void {
  if (send) return;
  const apiSend = api.send;
  send = (message: unknown) => ReflectApply(apiSend, api, [message]);
}

function lock(target: object, name: string, value: unknown): void {
  try {
    ObjectDefineProperty(target, name, { value, writable: false, configurable: false, enumerable: false });
  } catch {
    // already non-configurable (e.g. locked twice): nothing more to do
  }
}

function denied(what: string): () => never {
  return function () {
    throw new ErrorCtor(`${what} is disabled while grading`);
  };
}

function cutNetwork(): void {
  const net = require("node:net");
  const tls = require("node:tls");
  const http = require("node:http");
  const https = require("node:https");
  const http2 = require("node:http2");
  const dgram = require("node:dgram");
  const dns = require("node:dns");
  const no = denied("network access");
  for (const name of ["connect", "createConnection", "createServer"]) lock(net, name, no);
  lock(net.Socket.prototype, "connect", no);
  lock(net.Server.prototype, "listen", no);
  for (const name of ["connect", "createServer"]) lock(tls, name, no);
  for (const mod of [http, https]) for (const name of ["request", "get", "createServer"]) lock(mod, name, no);
  for (const name of ["connect", "createServer", "createSecureServer"]) lock(http2, name, no);
  lock(dgram, "createSocket", no);
  for (const name of ["bind", "send", "connect"]) lock(dgram.Socket.prototype, name, no);
  for (const target of [dns, dns.promises]) {
    for (const name of Object.keys(target)) {
      if (typeof target[name] === "function" && (name === "lookup" || name === "lookupService" || name.startsWith("resolve") || name === "reverse")) lock(target, name, no);
    }
    lock(target, "Resolver", no);
  }
  for (const name of ["fetch", "WebSocket", "EventSource"]) {
    if (name in globalThis) lock(globalThis, name, no);
  }
}

function closeOtherDoors(): void {
  // Signals: a submission must not kill the grader or the other kernels.
  lock(process, "kill", denied("process.kill"));
  lock(process, "_kill", denied("process._kill"));
  // A heap snapshot would contain the secret; flags could re-open natives syntax.
  const v8 = require("node:v8");
  for (const name of ["getHeapSnapshot", "writeHeapSnapshot", "setFlagsFromString", "setHeapSnapshotNearHeapLimit"]) lock(v8, name, denied(`v8.${name}`));
  // tslab runs every cell through vm.runInThisContext: nobody gets to wrap it and read the test code.
  const vm = require("node:vm");
  lock(vm, "runInThisContext", vm.runInThisContext);
  // The kernel's commands (cell code included) reach only the listeners the kernel registered
  // before any notebook code ran; a cell's process.on("message") hears nothing.
  const emit = process.emit;
  const kernelListeners = process.listeners("message");
  lock(process, "emit", function (this: unknown, event: unknown) {
    if (event === "message") {
      const args = [arguments[1], arguments[2]];
      for (let i = 0; i < kernelListeners.length; i++) ReflectApply(kernelListeners[i], process, args);
      return kernelListeners.length > 0;
    }
    return ReflectApply(emit, this, arguments);
  });
}

function installGrader(secret: string): void {
  let nextRun = 0;
  let open: { run: number; fraction: number; partials: PartialResult[] } | null = null;

  const check = createCheck({
    onPartial(result) {
      // Only the lowest fraction counts, so extra check.partial calls can never raise a score.
      if (open) {
        open.fraction = MathMin(open.fraction, result.total === 0 ? 1 : result.passed / result.total);
        open.partials[open.partials.length] = result;
      }
    },
  });

  const grader = ObjectFreeze({
    check,
    begin(run: unknown, nonce: unknown): void {
      if (typeof run !== "number" || run < nextRun || nonce !== runNonce(secret, run)) return;
      nextRun = run + 1;
      open = { run, fraction: 1, partials: [] };
    },
    end(run: unknown, nonce: unknown): void {
      const current = open;
      if (!current || current.run !== run || nonce !== runNonce(secret, run)) return;
      open = null;
      const attestation: Attestation = { run: current.run, fraction: current.fraction, partials: current.partials };
      const payload = JSONStringify(attestation);
      const message: AgentMessage = { nnlabGrader: 1, payload, mac: hmacSha256Hex(secret, payload) };
      if (send) send(message);
    },
  });
  lock(globalThis, AGENT_GLOBAL, grader);
}

if (key) {
  cutNetwork();
  closeOtherDoors();
  installGrader(key);
}
