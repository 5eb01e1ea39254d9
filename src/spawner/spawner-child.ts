// Colony's spawn helper (see spawner.ts): starts the processes it is asked to,
// one JSON line per request on stdin, one per answer on stdout. Kept free of
// Colony's own modules so that it stays small: forking a small process is
// cheap, forking Colony's (hundreds of MB with hundreds of agents) is not.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** An environment, sent once under a number that later requests name. */
interface EnvironmentMessage {
  environment: number
  /** The ones sent before are not named again. */
  forget: boolean
  variables: Record<string, string>
}

interface Request {
  id: number
  file: string
  args: string[]
  cwd: string
  /** A number an EnvironmentMessage defined, or the environment itself. */
  environment?: number
  env?: Record<string, string>
  /** base64; absent: no stdin. */
  input?: string
  /** Output is sent as it comes ({id, from, data}) with the pid, the exit and the close, instead of once at the end. */
  stream?: boolean
  detached?: boolean
}

const environments = new Map<number, Record<string, string>>()

function answer(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

function start(request: Request): void {
  const child = spawn(request.file, request.args, {
    cwd: request.cwd,
    env: request.env ?? environments.get(request.environment ?? -1) ?? {},
    detached: request.detached === true,
    stdio: [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  })
  child.on('error', (error: NodeJS.ErrnoException) => answer({ id: request.id, error: { message: error.message, code: error.code } }))
  if (request.stream) {
    if (child.pid !== undefined) answer({ id: request.id, pid: child.pid })
    child.stdout?.on('data', (chunk: Buffer) => answer({ id: request.id, from: 'stdout', data: chunk.toString('base64') }))
    child.stderr?.on('data', (chunk: Buffer) => answer({ id: request.id, from: 'stderr', data: chunk.toString('base64') }))
    child.on('exit', (exitCode) => answer({ id: request.id, exited: exitCode }))
    child.on('close', () => answer({ id: request.id, closed: true }))
  } else {
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('close', (exitCode) => answer({ id: request.id, exitCode, stdout: Buffer.concat(stdout).toString('base64'), stderr: Buffer.concat(stderr).toString('base64') }))
  }
  if (request.input !== undefined && child.stdin) {
    // The program may exit before reading all of its input; its exit status tells what happened.
    child.stdin.on('error', () => undefined)
    child.stdin.end(Buffer.from(request.input, 'base64'))
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line) as Request | EnvironmentMessage
  if (!('variables' in message)) return start(message)
  if (message.forget) environments.clear()
  environments.set(message.environment, message.variables)
})
