// The grader's agent inside the student's (sandboxed) kernel process.
//
// The kernel child (tools/engine/child.ts) requires this module before any
// notebook code runs. It
//   1. cuts the network off (Node 20's permission model has no network switch),
//      stops signals to other processes and the heap-snapshot escape hatches;
//   2. installs the global `nnlabGrader` that the student's version of each
//      test run calls (tools/grader/split.ts): value(site, x) and
//      values(site, x, y) report actual values, throws(site, fn) reports what
//      calling fn did, partial(site, parts) runs parts, begin/end mark a run.
//
// Nothing here decides anything. Student code runs in this process and can
// replace all of it; the most it can do is claim values, which the grader
// compares with expectations computed in the trusted kernel
// (docs/security.md). Item 1 is defence in depth, not the trust boundary.
import type { KernelChildApi } from "../../engine/protocol";
import { encodeValue } from "../values";
import { CheckKeys, errorNames, errorText, ReportMessage } from "../report-protocol";
import { builtins } from "../../../lib/captured-builtins";

export const AGENT_GLOBAL = "nnlabGrader";
export const AGENT_ENV = "NNLAB_GRADING";

// Taken before any notebook code runs (this module loads first).
const { ObjectDefineProperty, ObjectFreeze, ObjectKeys, ReflectApply, ArrayIsArray, ErrorCtor } = builtins;

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
    for (const name of ObjectKeys(target)) {
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
  // Heap snapshots and trace-event files are written to disk outside the permission model's
  // control; V8 flags could re-open natives syntax.
  const v8 = require("node:v8");
  for (const name of ["getHeapSnapshot", "writeHeapSnapshot", "setFlagsFromString", "setHeapSnapshotNearHeapLimit"]) lock(v8, name, denied(`v8.${name}`));
  lock(require("node:trace_events"), "createTracing", denied("trace_events.createTracing"));
}

function installReporter(): void {
  // The trusted kernel numbers its records the same way.
  const keys = new CheckKeys();
  const nextKey = () => keys.next();
  const report = (m: ReportMessage) => {
    if (send) send(m);
  };
  const unsupported = () => {
    throw new ErrorCtor("`check` can only be called directly in a test cell, e.g. check.equal(f(x), 3)");
  };
  const grader = ObjectFreeze({
    check: ObjectFreeze({ equal: unsupported, close: unsupported, ok: unsupported, throws: unsupported, partial: unsupported }),
    begin(): void {
      keys.begin();
    },
    end(): void {
      report({ nnlab: "end" });
    },
    value(site: number, actual: unknown): void {
      report({ nnlab: "value", key: nextKey(), site, values: [encodeValue(actual)] });
    },
    values(site: number, actual: unknown, expected: unknown): void {
      report({ nnlab: "value", key: nextKey(), site, values: [encodeValue(actual), encodeValue(expected)] });
    },
    throws(site: number, fn: unknown): void {
      const key = nextKey();
      let threw = false;
      let error: unknown;
      try {
        if (typeof fn === "function") ReflectApply(fn, undefined, []);
      } catch (e) {
        threw = true;
        error = e;
      }
      report({ nnlab: "throws", key, site, threw, names: threw ? errorNames(error) : [], text: threw ? errorText(error) : "" });
    },
    partial(site: number, parts: unknown): void {
      const key = nextKey();
      const list = ArrayIsArray(parts) ? parts : [];
      for (let i = 0; i < list.length; i++) {
        let threw = false;
        try {
          if (typeof list[i] === "function") keys.within(key, i, () => ReflectApply(list[i], undefined, []));
        } catch {
          threw = true;
        }
        report({ nnlab: "part", key, site, part: i, threw });
      }
    },
  });
  lock(globalThis, AGENT_GLOBAL, grader);
}

if (process.env[AGENT_ENV]) {
  delete process.env[AGENT_ENV];
  cutNetwork();
  closeOtherDoors();
  installReporter();
}
