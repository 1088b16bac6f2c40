// The two shell entry points of a Gradescope autograder zip. Both honour
// NNLAB_AUTOGRADER_ROOT (default /autograder) so a test can stand a temp
// folder in for Gradescope's machine.

/** setup.sh: runs once, as root, when Gradescope builds the image (Ubuntu). */
export function setupScript(nodeVersion: string): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image. It installs
# Node (if the image has none >= 20) and the course's dependencies exactly as
# pinned in course/package-lock.json. Offline: with Node >= 20 present, or a
# node-v*-linux-x64.tar.xz in this folder (nnlab gradescope --node), nothing
# is fetched but the npm packages, and those come from the npm cache when it
# has them (npm ci --prefer-offline).
set -euo pipefail
ROOT="\${NNLAB_AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
NODE_VERSION=${nodeVersion}

node_ok() {
  command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]
}

if ! node_ok; then
  tarball=$(ls "$SOURCE"/node-v*-linux-x64.tar.xz 2>/dev/null | head -n 1 || true)
  if [ -z "$tarball" ]; then
    apt-get update
    apt-get install -y --no-install-recommends ca-certificates curl xz-utils
    tarball="$SOURCE/node-v$NODE_VERSION-linux-x64.tar.xz"
    curl -fsSL -o "$tarball" "https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-x64.tar.xz"
    curl -fsSL "https://nodejs.org/dist/v$NODE_VERSION/SHASUMS256.txt" | grep " node-v$NODE_VERSION-linux-x64.tar.xz\\$" | (cd "$SOURCE" && sha256sum -c -)
  fi
  tar -xJf "$tarball" -C /usr/local --strip-components=1 --no-same-owner
fi
node_ok || { echo "setup.sh: Node >= 20 is needed and could not be installed" >&2; exit 1; }

cd "$SOURCE/course"
# dist/ is prebuilt: no build step, no install scripts, no optional native
# packages (tfjs-node would download TensorFlow).
npm ci --omit=dev --omit=optional --ignore-scripts --prefer-offline --no-audit --no-fund
# The kernel's fixes to tslab (what the course's own postinstall applies).
./node_modules/.bin/patch-package --error-on-fail
node scripts/link-self.js
echo "setup.sh: node $(node --version), nnlab grader ready"
`;
}

/** run_autograder: runs for every submission. */
export function runAutograderScript(): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission: grades the notebook in
# $ROOT/submission and writes $ROOT/results/results.json.
ROOT="\${NNLAB_AUTOGRADER_ROOT:-/autograder}"
export NNLAB_AUTOGRADER_ROOT="$ROOT"
exec node "$ROOT/source/course/dist/tools/gradescope/run.js"
`;
}
