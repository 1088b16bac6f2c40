// A private one-node Slurm cluster on loopback for a test: its own munged
// (as user munge, own key and socket), slurmctld and slurmd in the
// foreground (-D), state, spool, logs and config under one temp folder, free
// ports. Debian's packages (scripts/ensure-slurm.js). Needs root, as the
// daemons do. stop() cancels every job and stops exactly the daemons started.
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { exited, waitFor } from "./processes";

const ROOT = path.join(__dirname, "..", "..");
const SBIN_PATH = `${process.env.PATH ?? ""}:/usr/sbin:/sbin`;

/** Installs Slurm and munge when missing (as root with apt-get), else explains what is missing. */
export function ensureSlurm(): void {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    throw new Error("the Slurm test starts munged, slurmctld and slurmd, which needs root (CI runs as root)");
  }
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "ensure-slurm.js")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`Slurm is not installed and could not be installed:\n${r.stderr}`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class SlurmCluster {
  private daemons: { name: string; child: ChildProcess }[] = [];

  private constructor(
    readonly dir: string,
    readonly conf: string,
  ) {}

  /** Environment for the client commands (sbatch, squeue, …): this cluster's config. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { PATH: SBIN_PATH, HOME: os.homedir(), LANG: "C.UTF-8", SLURM_CONF: this.conf, ...extra };
  }

  static async start(): Promise<SlurmCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-slurm-"));
    fs.chmodSync(dir, 0o755); // munged (user munge) must reach its socket folder
    const cluster = new SlurmCluster(dir, path.join(dir, "slurm.conf"));
    try {
      await cluster.boot();
    } catch (e) {
      await cluster.stop();
      throw new Error(`${(e as Error).message}\n${cluster.logs()}`);
    }
    return cluster;
  }

  private async boot(): Promise<void> {
    const { dir } = this;
    const munge = path.join(dir, "munge");
    fs.mkdirSync(munge, { mode: 0o755 });
    const key = path.join(munge, "munge.key");
    fs.writeFileSync(key, randomBytes(1024), { mode: 0o600 });
    const uid = Number(spawnSync("id", ["-u", "munge"], { encoding: "utf8" }).stdout);
    const gid = Number(spawnSync("id", ["-g", "munge"], { encoding: "utf8" }).stdout);
    fs.chownSync(munge, uid, gid);
    fs.chownSync(key, uid, gid);
    const socket = path.join(munge, "munge.socket");
    this.daemon("munged", "setpriv", ["--reuid=munge", "--regid=munge", "--init-groups", "munged", "-F", `--socket=${socket}`, `--key-file=${key}`,
      `--pid-file=${path.join(munge, "munged.pid")}`, `--seed-file=${path.join(munge, "munged.seed")}`, `--log-file=${path.join(munge, "munged.log")}`]);
    if (!(await waitFor(() => fs.existsSync(socket), 20_000))) throw new Error("munged did not create its socket");

    for (const d of ["state", "spool"]) fs.mkdirSync(path.join(dir, d));
    const host = os.hostname().split(".")[0];
    const memMb = Math.floor((os.totalmem() / 1024 / 1024) * 0.9);
    fs.writeFileSync(
      this.conf,
      [
        "ClusterName=nnlabtest",
        `SlurmctldHost=${host}(127.0.0.1)`,
        "SlurmUser=root",
        `SlurmctldPort=${await freePort()}`,
        `SlurmdPort=${await freePort()}`,
        "AuthType=auth/munge",
        "CredType=cred/munge",
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${path.join(dir, "state")}`,
        `SlurmdSpoolDir=${path.join(dir, "spool")}`,
        `SlurmctldPidFile=${path.join(dir, "slurmctld.pid")}`,
        `SlurmdPidFile=${path.join(dir, "slurmd.pid")}`,
        `SlurmctldLogFile=${path.join(dir, "slurmctld.log")}`,
        `SlurmdLogFile=${path.join(dir, "slurmd.log")}`,
        // No cgroups in a container: processes tracked by parentage, no task binding.
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/none",
        "MpiDefault=none",
        "ReturnToService=2",
        "SchedulerType=sched/backfill",
        // Finished jobs stay visible to scontrol for the whole test (there is no accounting database).
        "MinJobAge=3600",
        `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${os.availableParallelism()} RealMemory=${memMb} State=UNKNOWN`,
        `PartitionName=main Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
        "",
      ].join("\n"),
    );
    this.daemon("slurmctld", "slurmctld", ["-D", "-f", this.conf]);
    this.daemon("slurmd", "slurmd", ["-D", "-f", this.conf, "-N", host]);
    const idle = await waitFor(() => this.run("sinfo", ["-h", "-o", "%T"]).stdout.trim() === "idle", 60_000);
    if (!idle) throw new Error(`the node did not become idle (sinfo: ${this.run("sinfo", ["-h", "-o", "%T %E"]).stdout.trim()})`);
  }

  private daemon(name: string, cmd: string, args: string[]): void {
    const out = fs.openSync(path.join(this.dir, `${name}.out`), "a");
    const child = spawn(cmd, args, { cwd: this.dir, env: this.env(), stdio: ["ignore", out, out] });
    fs.closeSync(out);
    child.on("error", () => {}); // reported through the daemon's missing effect (socket, idle node)
    this.daemons.push({ name, child });
  }

  /** Runs a client command synchronously against this cluster. */
  run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
    return spawnSync(cmd, args, { cwd: opts.cwd ?? this.dir, env: this.env(opts.env), encoding: "utf8" });
  }

  /** A job's field from scontrol (e.g. JobState, ExitCode); "" when unknown. */
  jobField(jobId: string, field: string): string {
    const text = this.run("scontrol", ["show", "job", "-o", jobId]).stdout;
    return new RegExp(`(?:^|\\s)${field}=(\\S*)`).exec(text)?.[1] ?? "";
  }

  /** Waits until no job of this cluster is pending or running. */
  async drained(ms: number): Promise<boolean> {
    return waitFor(() => this.run("squeue", ["-h", "-o", "%i"]).stdout.trim() === "", ms);
  }

  /** The daemons' log files, for a failure message. */
  logs(): string {
    const parts: string[] = [];
    for (const f of ["munged.out", "slurmctld.log", "slurmd.log", "slurmctld.out", "slurmd.out"]) {
      const p = path.join(this.dir, f);
      if (fs.existsSync(p)) parts.push(`--- ${f}\n${fs.readFileSync(p, "utf8").split("\n").slice(-15).join("\n")}`);
    }
    return parts.join("\n");
  }

  /** Cancels every job, stops the daemons this cluster started, removes its folder. */
  async stop(): Promise<void> {
    if (this.daemons.some((d) => d.name === "slurmctld")) {
      this.run("scancel", ["--user=root"]);
      await this.drained(30_000);
    }
    for (const { child } of [...this.daemons].reverse()) {
      child.kill("SIGTERM");
      const done = await Promise.race([exited(child), new Promise((r) => setTimeout(r, 10_000))]);
      if (!done) child.kill("SIGKILL");
      await exited(child);
    }
    this.daemons = [];
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
