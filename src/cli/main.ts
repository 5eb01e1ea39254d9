#!/usr/bin/env node
// node:sqlite announces itself as experimental on every load; Colony depends on
// it knowingly, so that one warning is dropped before anything imports it.
process.removeAllListeners('warning')
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && warning.message.includes('SQLite')) return
  process.stderr.write(`${warning.name}: ${warning.message}\n`)
})

const { runCli } = await import('./run-cli.ts')
process.exitCode = await runCli(process.argv)
