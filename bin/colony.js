#!/usr/bin/env node
// The published entry point runs the compiled CLI (`npm run build`, done by `prepare`).
import '../dist/cli/main.js'
