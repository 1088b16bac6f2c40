// `npm run lab` and the project venv behind it (scripts/python-env.js,
// scripts/lab.js): the tslab kernel registered inside .venv only, a second
// setup installs nothing, a clear message without Python 3.9+, and the lab
// command serving the course with only the TypeScript kernel.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, freePort, pythonEnv } from "../helpers/jupyter";

const VENV = path.join(ROOT, ".venv");
const PYTHON_ENV = path.join(ROOT, "scripts", "python-env.js");

describe("project venv (scripts/python-env.js)", () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    ({ env } = await pythonEnv());
  }, 600_000);

  it("registers the tslab kernel inside .venv, run by this checkout's node and kernel launcher (scripts/kernel.js)", () => {
    const spec = JSON.parse(fs.readFileSync(path.join(VENV, "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8"));
    expect(spec.display_name).toBe("TypeScript");
    expect(spec.language).toBe("typescript");
    expect(spec.argv).toEqual([process.execPath, path.join(ROOT, "scripts", "kernel.js"), "{connection_file}"]);
  });

  it("points every Jupyter directory into .venv, so the user's global Jupyter is never read or written", () => {
    for (const key of ["JUPYTER_PATH", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_PATH", "IPYTHONDIR", "VIRTUAL_ENV"]) {
      expect(env[key], key).toBeDefined();
      expect(path.resolve(env[key]!).startsWith(VENV + path.sep) || path.resolve(env[key]!) === VENV, `${key}=${env[key]}`).toBe(true);
    }
    // What Jupyter itself resolves, asked through the venv's jupyter.
    const r = spawnSync(path.join(VENV, "bin", "jupyter"), ["kernelspec", "list", "--json"], { env, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const specs = JSON.parse(r.stdout).kernelspecs;
    expect(specs.tslab.resource_dir).toBe(path.join(VENV, "share", "jupyter", "kernels", "tslab"));
  });

  it("a second setup installs nothing", () => {
    const r = spawnSync(process.execPath, [PYTHON_ENV], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(VENV, "bin", "python"));
    expect(r.stderr).not.toMatch(/creating|installing|ready/);
  });

  it("without Python 3.9+ says what to install", () => {
    // A PATH whose only python3 is an old one.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-oldpy-"));
    try {
      fs.writeFileSync(path.join(bin, "python3"), "#!/bin/sh\necho 3.8\n", { mode: 0o755 });
      const script = `try { require(${JSON.stringify(PYTHON_ENV)}).findSystemPython(); console.log("found"); } catch (e) { console.log(e.message); }`;
      const env = { PATH: bin, HOME: bin };
      const old = spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8" });
      expect(old.stdout).toContain("needs Python 3.9 or newer");
      expect(old.stdout).toContain("python3 is Python 3.8");
      expect(old.stdout).toMatch(/apt-get install python3 python3-venv/);
      fs.rmSync(path.join(bin, "python3"));
      const none = spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8" });
      expect(none.stdout).toContain("No python3 or python was found");
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});

function homeEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  for (const key of Object.keys(env)) if (key.startsWith("XDG_") || key.startsWith("JUPYTER") || key === "IPYTHONDIR") delete env[key];
  return env;
}

describe("npm run lab (scripts/lab.js)", () => {
  let child: ReturnType<typeof spawn> | undefined;
  let output = "";
  let home = "";
  const token = "nnlab-test-token";
  let base = "";

  beforeAll(async () => {
    await pythonEnv();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // A throwaway HOME: afterwards it must hold no Jupyter directories.
    home = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-home-"));
    child = spawn(
      process.execPath,
      [path.join(ROOT, "scripts", "lab.js"), "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--IdentityProvider.token=${token}`],
      { cwd: ROOT, env: homeEnv(home), stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm run lab exited early:\n${output}`);
      try {
        const res = await fetch(`${base}/api/status`, { headers: { Authorization: `token ${token}` } });
        if (res.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`JupyterLab did not answer within 120 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }, 600_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.on("exit", r));
      child.kill("SIGTERM"); // lab.js forwards it to jupyter
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  const get = async (endpoint: string) => {
    const res = await fetch(`${base}${endpoint}`, { headers: { Authorization: `token ${token}` } });
    expect(res.status, endpoint).toBe(200);
    return res;
  };

  it("serves JupyterLab with the plotly renderer, on the repository root", async () => {
    const page = await (await get("/lab")).text();
    expect(page).toContain("jupyterlab-plotly"); // the federated extension is listed in the page config
    const root = (await (await get("/api/contents/")).json()) as { content: Array<{ name: string }> };
    expect(root.content.map((e) => e.name)).toContain("package.json");
  });

  it("offers only the TypeScript (tslab) kernel, as the default", async () => {
    const specs = (await (await get("/api/kernelspecs")).json()) as { default: string; kernelspecs: Record<string, { spec: { display_name: string } }> };
    expect(Object.keys(specs.kernelspecs)).toEqual(["tslab"]);
    expect(specs.default).toBe("tslab");
    expect(specs.kernelspecs.tslab.spec.display_name).toBe("TypeScript");
  });

  it("writes nothing to the user's home Jupyter directories", () => {
    const leftovers = [".jupyter", ".local/share/jupyter", ".ipython"].filter((d) => fs.existsSync(path.join(home, d)));
    expect(leftovers).toEqual([]);
  });
});
