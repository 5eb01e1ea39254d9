import type { Script, ScriptedReply, ScriptedRequest } from '../../src/model/scripted/index.ts'
import type { ReplayCommit } from './history.ts'

/**
 * The scripted agents of a replay. Planner: nothing to plan (the harness added
 * the tasks), it finishes at once. Judge: done. Worker of the task that
 * replays commit C:
 *   1. write_file `.replay-<task>.patch` (C's `git diff --binary`), then
 *      run_command `git apply` of it (falling back to `git apply --3way`),
 *      removing the patch file; already applied (a resumed worktree) is fine.
 *   2. finish. When finish answers with conflicts, for each conflicted file:
 *      take the version that landed (HEAD of the stopped rebase, or none),
 *      reapply C's own hunks for that file onto it (`git apply --include`,
 *      then with less context, then `--3way`), finish again.
 *   3. When the gate fails (a commit this one needs semantically has not
 *      landed yet), wait a little and finish again; likewise when the patch
 *      does not apply yet, wait and reapply.
 * The state is read back from the conversation (the last tool call and its
 * result), so a restarted attempt simply starts over.
 */
export function replayScript(tasks: Map<string, ReplayCommit>, options: { waitSeconds?: number; maxWaits?: number } = {}): Script {
  const waitSeconds = options.waitSeconds ?? 2
  const maxWaits = options.maxWaits ?? 40
  const call = (name: string, input: unknown): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 200 } })
  return (request: ScriptedRequest) => {
    if (request.purpose === 'summary') return { text: 'Replaying an upstream commit; see the task.' }
    if (request.role === 'planner') return call('finish', { summary: 'The replay harness added every task; nothing to plan.' })
    if (request.role === 'judge') return call('verdict', { decision: 'done', reason: 'every replayed commit is on the target' })
    const commit = tasks.get(request.task ?? '')
    if (!commit) return { text: `no replay commit for task ${request.task ?? '(none)'}` }
    return workerStep(request, request.task!, commit, { waitSeconds, maxWaits })
  }
}

interface Exchange {
  name: string
  input: Record<string, unknown>
  result: string
}

/** The tool calls of an OpenAI Chat Completions conversation, each with its result. */
export function exchanges(body: unknown): Exchange[] {
  const messages = (body as { messages?: { role: string; content: unknown; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[] }).messages ?? []
  const results = new Map<string, string>()
  for (const message of messages) {
    if (message.role === 'tool' && message.tool_call_id) results.set(message.tool_call_id, typeof message.content === 'string' ? message.content : JSON.stringify(message.content))
  }
  const calls: Exchange[] = []
  for (const message of messages) {
    for (const toolCall of message.tool_calls ?? []) {
      let input: Record<string, unknown>
      try {
        input = JSON.parse(toolCall.function.arguments) as Record<string, unknown>
      } catch {
        // Colony sent back arguments it could not parse: treat the call as having none.
        input = {}
      }
      calls.push({ name: toolCall.function.name, input, result: results.get(toolCall.id) ?? '' })
    }
  }
  return calls
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`

function applyCommand(patchFile: string): string {
  return [
    `trap 'rm -f ${patchFile}' EXIT`,
    `if git apply --whitespace=nowarn ${patchFile}; then echo REPLAY-APPLIED`,
    `elif git apply --reverse --check ${patchFile} 2>/dev/null; then echo REPLAY-APPLIED already`,
    `elif git apply --whitespace=nowarn --3way ${patchFile}; then echo REPLAY-APPLIED 3way`,
    'else echo REPLAY-NOT-APPLIED; fi',
  ].join('\n')
}

/** Reapplies this commit's hunks for `files` onto what landed (the stopped rebase's HEAD). */
function resolveCommand(patchFile: string, files: string[]): string {
  const includes = files.map((file) => `--include=${quote(file)}`).join(' ')
  const restore = files.map((file) => `if git cat-file -e HEAD:${quote(file)} 2>/dev/null; then git show HEAD:${quote(file)} > ${quote(file)}; else rm -f ${quote(file)}; fi`)
  return [
    `trap 'rm -f ${patchFile}' EXIT`,
    ...restore,
    `if git apply --whitespace=nowarn ${includes} ${patchFile}; then echo REPLAY-RESOLVED`,
    `elif git apply --whitespace=nowarn -C1 ${includes} ${patchFile}; then echo REPLAY-RESOLVED C1`,
    `elif git apply --whitespace=nowarn --3way ${includes} ${patchFile}; then echo REPLAY-RESOLVED 3way`,
    'else echo REPLAY-NOT-RESOLVED; fi',
  ].join('\n')
}

function conflictedFiles(result: string): string[] {
  const match = /stopped with conflicts in: (.*)\.\n/.exec(result)
  return match ? match[1]!.split(', ').map((file) => file.trim()).filter(Boolean) : []
}

function workerStep(request: ScriptedRequest, task: string, commit: ReplayCommit, limits: { waitSeconds: number; maxWaits: number }): ScriptedReply {
  const call = (name: string, input: unknown): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 200 } })
  const history = exchanges(request.body)
  const finishes = history.filter((exchange) => exchange.name === 'finish').length
  const waits = history.filter((exchange) => exchange.name === 'run_command' && String(exchange.input.command).startsWith('sleep ')).length
  const finish = (extra: Record<string, unknown> = {}) => call('finish', { summary: `Replayed ${commit.commit.slice(0, 12)}: ${commit.subject} (finish ${finishes + 1})`, ...extra })
  const wait = (reason: string) =>
    waits >= limits.maxWaits
      ? finish({ concerns: `gave up after ${waits} waits (${reason})` })
      : call('run_command', { command: `sleep ${Math.min(limits.waitSeconds * (1 + Math.floor(waits / 5)), 10)} # replay: ${reason} ${waits + 1}` })
  const writePatch = (kind: 'apply' | 'resolve') => call('write_file', { path: `.replay-${kind}-${task}-${finishes}.patch`, content: commit.patch })
  const last = history.at(-1)
  if (!last) return writePatch('apply')

  if (last.name === 'write_file') {
    const path = String(last.input.path)
    if (path.startsWith('.replay-resolve-')) {
      const conflict = [...history].reverse().find((exchange) => exchange.name === 'finish' && conflictedFiles(exchange.result).length > 0)
      return call('run_command', { command: resolveCommand(path, conflictedFiles(conflict?.result ?? '')) })
    }
    return call('run_command', { command: applyCommand(path) })
  }
  if (last.name === 'run_command') {
    const command = String(last.input.command)
    if (command.includes('# replay: patch-not-applying')) return writePatch('apply')
    if (command.startsWith('sleep ')) return finish()
    if (last.result.includes('REPLAY-NOT-APPLIED')) return wait('patch-not-applying')
    if (last.result.includes('REPLAY-NOT-RESOLVED')) return finish({ concerns: 'could not reapply my hunks onto what landed' })
    return finish()
  }
  if (last.name === 'finish') {
    if (conflictedFiles(last.result).length > 0) return writePatch('resolve')
    if (/The gate failed/.test(last.result)) return wait('gate-failed')
    if (/kept moving/.test(last.result)) return finish()
    if (/no changes to integrate/.test(last.result)) return { text: `nothing left to replay for ${commit.commit.slice(0, 12)}: the target already has it` }
    if (/still contain conflict markers|outside this task's scope|the limit per task/.test(last.result)) return { text: `cannot land ${commit.commit.slice(0, 12)}: ${last.result.slice(0, 300)}` }
    return wait('finish-error')
  }
  return finish()
}
