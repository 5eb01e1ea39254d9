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

interface Pending {
  resolve: (result: ProcessResult) => void
  reject: (error: Error) => void
}

// Compiled to .js in dist/, run as .ts from a clone: the helper sits beside this file either way.
const helperPath = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './spawner-child.ts' : './spawner-child.js', import.meta.url))

let helper: { process: ChildProcess; stdin: Writable; pending: Map<number, Pending> } | undefined
let nextId = 1

function startHelper(): NonNullable<typeof helper> {
  const child = spawn(process.execPath, [helperPath], { stdio: ['pipe', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '' } })
  const pending = new Map<number, Pending>()
  const started = { process: child, stdin: child.stdin, pending }
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as { id: number; exitCode?: number | null; stdout?: string; stderr?: string; error?: { message: string; code?: string } }
    const waiting = pending.get(answer.id)
    if (!waiting) return
    pending.delete(answer.id)
    settle(started)
    if (answer.error) waiting.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }))
    else waiting.resolve({ exitCode: answer.exitCode ?? null, stdout: Buffer.from(answer.stdout ?? '', 'base64').toString('utf8'), stderr: Buffer.from(answer.stderr ?? '', 'base64').toString('utf8') })
  })
  const fail = (reason: string) => {
    if (helper === started) helper = undefined
    for (const waiting of pending.values()) waiting.reject(new Error(`Colony's spawn helper ${reason}`))
    pending.clear()
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
function settle(running: NonNullable<typeof helper>): void {
  const streams = [running.stdin, running.process.stdout] as (Writable | Readable | null)[]
  const hold = running.pending.size > 0
  for (const stream of streams) (stream as unknown as { ref?: () => void; unref?: () => void } | null)?.[hold ? 'ref' : 'unref']?.()
  if (hold) running.process.ref()
  else running.process.unref()
}

/**
 * Runs a program to its end and collects its output, started by a small
 * helper process instead of by Colony itself. Linux copies a process's
 * page tables to fork it: with hundreds of agents Colony's own memory is
 * hundreds of MB and each spawn cost it 10 ms of CPU or more (a third of
 * its CPU at 200 agents, most of it for git), while the helper stays small.
 * Where the helper cannot be started, the program is spawned directly.
 */
export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  helper ??= startHelper()
  const running = helper
  const id = nextId++
  return new Promise<ProcessResult>((resolve, reject) => {
    running.pending.set(id, { resolve, reject })
    settle(running)
    const message = { id, file: request.file, args: request.args, cwd: request.cwd, env: request.env, ...(request.input !== undefined && { input: Buffer.from(request.input, 'utf8').toString('base64') }) }
    running.stdin.write(`${JSON.stringify(message)}\n`)
  }).catch((error: Error & { code?: string }) => {
    // The program itself could not start (ENOENT, ...): that is the caller's answer. The helper failing is not.
    if (error.code !== undefined || !error.message.startsWith("Colony's spawn helper")) throw error
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
