// Colony's spawn helper (see spawner.ts): starts the processes it is asked to,
// one JSON line per request on stdin, one per answer on stdout. Kept free of
// Colony's own modules so that it stays small: forking a small process is
// cheap, forking Colony's (hundreds of MB with hundreds of agents) is not.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

interface Request {
  id: number
  file: string
  args: string[]
  cwd: string
  env: Record<string, string>
  /** base64; absent: no stdin. */
  input?: string
}

function answer(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as Request
  const child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, stdio: [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
  child.on('error', (error: NodeJS.ErrnoException) => answer({ id: request.id, error: { message: error.message, code: error.code } }))
  child.on('close', (exitCode, signal) => answer({ id: request.id, exitCode, signal, stdout: Buffer.concat(stdout).toString('base64'), stderr: Buffer.concat(stderr).toString('base64') }))
  if (request.input !== undefined && child.stdin) {
    // The program may exit before reading all of its input; its exit status tells what happened.
    child.stdin.on('error', () => undefined)
    child.stdin.end(Buffer.from(request.input, 'base64'))
  }
})
