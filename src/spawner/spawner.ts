import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'

export interface ProcessRequest {
  file: string
  args: readonly string[]
  cwd: string
  env: NodeJS.ProcessEnv
  input?: string | undefined
}

export interface ProcessResult {
  stdout: string
  stderr: string
  exitCode: number | null
}

export interface StreamingRequest extends Omit<ProcessRequest, 'input'> {
  /** In a process group of its own, so that the group can be signalled as one. */
  detached?: boolean
  onOutput: (chunk: Buffer, from: 'stdout' | 'stderr') => void
}

/** A program started by startProcess. */
export interface StartedProcess {
  /** Its pid once it runs; rejects when it could not start. */
  started: Promise<number>
  /** Its exit code (null when a signal ended it); what it left running may still hold its output open. */
  exited: Promise<number | null>
  /** Its output streams closed: every chunk was delivered. */
  closed: Promise<void>
}

/** One line from the helper about request `id`. */
interface Answer {
  id: number
  error?: { message: string; code?: string }
  exitCode?: number | null
  stdout?: string
  stderr?: string
  pid?: number
  from?: 'stdout' | 'stderr'
  data?: string
  exited?: number | null
  closed?: true
}

/** What waits on a request's answers; true once it has had its last one. */
type Listener = (answer: Answer) => boolean

interface Helper {
  process: ChildProcess
  stdin: Writable
  listeners: Map<number, Listener>
  /** Environments the helper holds, by their JSON: most requests name one sent before instead of carrying it. */
  environments: Map<string, number>
}

// Compiled to .js in dist/, run as .ts from a clone: the helper sits beside this file either way.
const helperPath = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './spawner-child.ts' : './spawner-child.js', import.meta.url))

/** Distinct environments kept in the helper before it forgets them all (they differ per worktree when GIT_INDEX_FILE is set). */
const environmentsKept = 256

const helperFailure = "Colony's spawn helper"

let helper: Helper | undefined
let nextId = 1

function startHelper(): Helper {
  const child = spawn(process.execPath, [helperPath], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '' } })
  const started: Helper = { process: child, stdin: child.stdin, listeners: new Map(), environments: new Map() }
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as Answer
    const listener = started.listeners.get(answer.id)
    if (!listener || !listener(answer)) return
    started.listeners.delete(answer.id)
    settle(started)
  })
  const fail = (reason: string) => {
    if (helper === started) helper = undefined
    for (const [id, listener] of started.listeners) listener({ id, error: { message: `${helperFailure} ${reason}` } })
    started.listeners.clear()
  }
  child.on('exit', (code, signal) => fail(`ended (${signal ?? `exit ${code}`})`))
  child.on('error', (error) => fail(`could not start: ${error.message}`))
  child.stdin.on('error', () => undefined)
  return started
}

/** The running helper's pid (for a benchmark to count its CPU), if one runs. */
export function spawnHelperPid(): number | undefined {
  return helper?.process.pid
}

/** The helper keeps Colony's event loop alive only while something waits on it. */
function settle(running: Helper): void {
  const streams = [running.stdin, running.process.stdout] as (Writable | Readable | null)[]
  const hold = running.listeners.size > 0
  for (const stream of streams) (stream as unknown as { ref?: () => void; unref?: () => void } | null)?.[hold ? 'ref' : 'unref']?.()
  if (hold) running.process.ref()
  else running.process.unref()
}

/**
 * Sends `request` for `listener`. A git command's environment is the same for
 * most of them: it goes once, then by number (writing it into the pipe for
 * every command was a tenth of Colony's CPU with hundreds of agents); one
 * that is never the same twice (a sandboxed command's, with its marker) goes
 * with the request.
 */
function send(request: { file: string; args: readonly string[]; cwd: string; env: NodeJS.ProcessEnv; input?: string; stream?: boolean; detached?: boolean }, listener: Listener): void {
  helper ??= startHelper()
  const running = helper
  // Requests sent in one turn of the event loop go to the helper in one write (one wake-up of it, not one each).
  if (running.stdin.writableCorked === 0) {
    running.stdin.cork()
    process.nextTick(() => running.stdin.uncork())
  }
  const id = nextId++
  running.listeners.set(id, listener)
  settle(running)
  const { env, input, ...rest } = request
  let environment: number | undefined
  if (!request.stream) {
    const variables = JSON.stringify(env)
    environment = running.environments.get(variables)
    if (environment === undefined) {
      const forget = running.environments.size >= environmentsKept
      if (forget) running.environments.clear()
      environment = id
      running.environments.set(variables, environment)
      running.stdin.write(`{"environment":${environment},"forget":${forget},"variables":${variables}}\n`)
    }
  }
  const sent = { id, ...rest, ...(environment === undefined ? { env } : { environment }), ...(input !== undefined && { input: Buffer.from(input, 'utf8').toString('base64') }) }
  running.stdin.write(`${JSON.stringify(sent)}\n`)
}

const isHelperFailure = (error: Error & { code?: string }) => error.code === undefined && error.message.startsWith(helperFailure)

/**
 * Runs a program to its end and collects its output, started by a small
 * helper process instead of by Colony itself. Linux copies a process's
 * page tables to fork it: with hundreds of agents Colony's own memory is
 * hundreds of MB and each spawn cost it 10 ms of CPU or more (a third of
 * its CPU at 200 agents, most of it for git), while the helper stays small.
 * Where the helper cannot be started, the program is spawned directly.
 */
export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  return new Promise<ProcessResult>((resolve, reject) => {
    send(request, (answer) => {
      if (answer.error) reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }))
      else resolve({ exitCode: answer.exitCode ?? null, stdout: Buffer.from(answer.stdout ?? '', 'base64').toString('utf8'), stderr: Buffer.from(answer.stderr ?? '', 'base64').toString('utf8') })
      return true
    })
  }).catch((error: Error & { code?: string }) => {
    // The program itself could not start (ENOENT, ...): that is the caller's answer. The helper failing is not.
    if (!isHelperFailure(error)) throw error
    return spawnDirectly(request)
  })
}

function spawnDirectly(request: ProcessRequest): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, stdio: [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', reject)
    child.on('close', (exitCode) => resolve({ exitCode, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }))
    if (request.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined)
      child.stdin.end(request.input)
    }
  })
}

/** Resolvers of the three promises of a StartedProcess. */
function startedProcess() {
  const started = Promise.withResolvers<number>()
  const exited = Promise.withResolvers<number | null>()
  const closed = Promise.withResolvers<void>()
  // A caller waits on `exited` after `started` rejected, or never: an unwatched rejection is not a crash.
  started.promise.catch(() => undefined)
  exited.promise.catch(() => undefined)
  const process: StartedProcess = { started: started.promise, exited: exited.promise, closed: closed.promise }
  const failed = (error: Error) => {
    started.reject(error)
    exited.reject(error)
    closed.resolve()
  }
  return { process, started, exited, closed, failed }
}

/**
 * Starts a program whose output is delivered as it comes (the sandbox's
 * commands), through the spawn helper like runProcess (see there why);
 * directly where the helper cannot start.
 */
export function startProcess(request: StreamingRequest): StartedProcess {
  const { process: running, started, exited, closed, failed } = startedProcess()
  let pid: number | undefined
  send({ file: request.file, args: request.args, cwd: request.cwd, env: request.env, stream: true, detached: request.detached }, (answer) => {
    if (answer.error) {
      const error = Object.assign(new Error(answer.error.message), { code: answer.error.code })
      if (pid === undefined && isHelperFailure(error)) {
        const direct = startDirectly(request)
        direct.started.then(started.resolve, started.reject)
        direct.exited.then(exited.resolve, exited.reject)
        void direct.closed.then(closed.resolve)
      } else failed(error)
      return true
    }
    if (answer.pid !== undefined) started.resolve((pid = answer.pid))
    if (answer.data !== undefined) request.onOutput(Buffer.from(answer.data, 'base64'), answer.from ?? 'stdout')
    if (answer.exited !== undefined) exited.resolve(answer.exited)
    if (answer.closed) closed.resolve()
    return answer.closed === true
  })
  return running
}

function startDirectly(request: StreamingRequest): StartedProcess {
  const { process: running, started, exited, closed, failed } = startedProcess()
  const child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, detached: request.detached === true, stdio: ['ignore', 'pipe', 'pipe'] })
  child.once('error', failed)
  if (child.pid !== undefined) started.resolve(child.pid)
  child.stdout.on('data', (chunk: Buffer) => request.onOutput(chunk, 'stdout'))
  child.stderr.on('data', (chunk: Buffer) => request.onOutput(chunk, 'stderr'))
  child.once('exit', (code) => exited.resolve(code))
  child.once('close', () => closed.resolve())
  return running
}
