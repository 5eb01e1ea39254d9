import { spawn } from 'node:child_process'
import type { CommandRunner } from '../../src/gate/index.ts'

/** A plain `bash -c` runner for gate tests that are about the gate, not about confinement. */
export const shellRunner: CommandRunner = (command, options) =>
  new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.on('error', reject)
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolve({ exitCode, output, timedOut: exitCode === null })
    })
  })
