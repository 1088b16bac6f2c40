#!/usr/bin/env node
// The `nnlab` command: a thin launcher for the compiled CLI in dist/.
require("../dist/tools/cli/index.js").main(process.argv.slice(2));
