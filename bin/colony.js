#!/usr/bin/env node
/* global process */
// The published entry point runs the bundled CLI (`npm run build`, done by `prepare`: scripts/bundle-cli.ts).
// It is plain JavaScript that any Node.js can parse, so an old one hears what to do instead of a stack trace.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `colony: Node.js ${process.versions.node} is too old; Colony needs Node.js 22.13 or newer (it keeps its state with node:sqlite)\n` +
      '  fix: install Node.js 24 (https://nodejs.org/en/download, or `nvm install 24`) and run colony again\n',
  )
  process.exit(1)
}
await import('../dist/main.js')
