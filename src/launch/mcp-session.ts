import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { createToolServer } from '../agents/index.ts'
import { recallTool } from '../memory/index.ts'
import { createFinishTool, editFileTool, listFilesTool, noteTool, readFileTool, runCommandTool, searchTool, writeFileTool, type ToolContext } from '../agent/index.ts'
import { createInstanceId, createTaskHandle, type Board } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import { ColonyError } from '../errors/index.ts'
import { resolveLinkedPaths } from '../git/index.ts'
import type { RepositoryLayout } from '../repository/index.ts'
import { createTaskFinish } from '../roles/index.ts'
import { recordSurvivedFailure } from '../orchestrator/index.ts'
import type { Run, Store } from '../store/index.ts'
import { createSharedRoleContext } from './shared-role-context.ts'
import { join } from 'node:path'

export class TaskNotClaimableError extends ColonyError {
  override readonly name = 'TaskNotClaimableError'
  readonly taskId: number

  constructor(taskId: number, why: string) {
    super(`task ${taskId} cannot be taken over MCP: ${why}`, { hint: '`colony mcp --task ID` takes a ready work task of the latest run; list them with `colony task list --status ready`' })
    this.taskId = taskId
  }
}

export interface McpSessionOptions {
  layout: RepositoryLayout
  config: ColonyConfig
  store: Store
  board: Board
  run: Run
  taskId: number
  /** The MCP client's messages (stdin) and Colony's answers (stdout). */
  input?: NodeJS.ReadableStream
  output?: NodeJS.WritableStream
  /** Where Colony says what it is doing: never stdout, which is the protocol's. */
  log: (line: string) => void
  /** Ends the session as a disconnect does (Ctrl-C, or the client stopping this process). */
  signal?: AbortSignal
}

/**
 * `colony mcp --task ID`: any MCP client becomes the worker of one task. Colony
 * claims the task, makes its worktree, and serves the worker's tools over
 * stdio, bound to that worktree and task: read_file, list_files, search,
 * run_command, edit_file, write_file (so a client with no file tools of its
 * own can work), note, and finish, which integrates exactly as for Colony's
 * own workers. The lease is renewed while the client is connected; when it
 * disconnects before its change landed, the task goes back to ready and the
 * worktree goes.
 */
export async function serveTaskOverMcp(options: McpSessionOptions): Promise<'merged' | 'awaiting approval' | 'released'> {
  const { store, board, run, config, taskId } = options
  const owner = `${createInstanceId()}/mcp`
  const claimed = await board.claim({ runId: run.id, owner, kinds: ['work'], accept: (task) => task.id === taskId })
  if (!claimed) {
    const task = await store.getTask(taskId)
    throw new TaskNotClaimableError(taskId, task.runId !== run.id ? `it belongs to run ${task.runId}, not the latest run ${run.id}` : task.kind !== 'work' ? 'it is a plan task' : `it is ${task.status}${task.status === 'ready' ? ' but waits for a task it depends on' : ''}`)
  }
  const handle = createTaskHandle(board, claimed)
  const shared = createSharedRoleContext(options)
  const abort = new AbortController()
  const beating = setInterval(() => void handle.heartbeat().catch((error: unknown) => abort.abort(error)), (config.limits.leaseSeconds * 1000) / 3)
  let workspace: Awaited<ReturnType<typeof shared.workspaces.open>> | undefined
  let outcome: ReturnType<ReturnType<typeof createTaskFinish>['outcome']> | undefined
  try {
    await handle.advance('running')
    workspace = await shared.workspaces.open(taskId, {})
    const agent = await store.createAgent({ runId: run.id, role: 'worker', taskId, status: 'running', model: 'mcp-client' }, [{ type: 'agent-started', data: { role: 'worker', model: 'mcp-client' } }])
    const taskFinish = createTaskFinish({ ...shared, models: {}, deepGate: undefined, gate: async () => undefined }, { handle, workspace, signal: abort.signal, agentId: () => agent.id })
    const context: ToolContext = {
      workspace: workspace.path,
      readableLinks: resolveLinkedPaths(options.layout.root, config.workspace.link).map((link) => join(options.layout.root, link)),
      sandbox: shared.sandbox,
      policy: shared.policy,
      store,
      runId: run.id,
      taskId,
      agentId: agent.id,
      role: 'worker',
      commit: workspace.base,
      maxCommandSeconds: Math.max(60, config.limits.attemptMinutes * 60),
      signal: abort.signal,
    }
    const server = createToolServer({
      tools: [readFileTool, listFilesTool, searchTool, runCommandTool, editFileTool, writeFileTool, noteTool, recallTool, createFinishTool(taskFinish.finish)],
      context,
      onFatal: (error) => abort.abort(error),
    })
    const input = options.input ?? process.stdin
    const transport = new StdioServerTransport(input as NodeJS.ReadStream, options.output as NodeJS.WriteStream | undefined)
    // The client is gone when its end of stdin closes; the SDK's transport does not say so itself.
    const closed = new Promise<void>((resolve) => {
      transport.onclose = resolve
      input.once('end', resolve)
      options.signal?.addEventListener('abort', () => resolve(), { once: true })
    })
    options.log(`colony mcp: task ${taskId} "${claimed.title}" is yours; its worktree is ${workspace.path}; finish integrates it. Disconnecting before it lands puts it back to ready.`)
    await server.connect(transport)
    await Promise.race([closed, new Promise((resolve) => abort.signal.addEventListener('abort', resolve, { once: true }))])
    await server.close()
    outcome = taskFinish.outcome('the MCP client disconnected before its change landed')
    const current = await store.getAgent(agent.id)
    await store.updateAgent(agent.id, current.version, { status: 'stopped', activity: 'disconnected' })
    if (outcome.merged) return 'merged'
    if ('awaitingApproval' in outcome) return 'awaiting approval'
    await handle.release('the MCP client disconnected before its change landed')
    return 'released'
  } catch (error) {
    // Whatever stopped the session, the task is not left claimed by a process that is going away.
    if (!outcome) await handle.release(`colony mcp failed: ${error instanceof Error ? error.message : String(error)}`).catch((failure: unknown) => recordSurvivedFailure(store, { runId: run.id, taskId, type: 'task-release-failed', data: { reason: 'colony mcp failed' } }, failure))
    throw error
  } finally {
    clearInterval(beating)
    // A change waiting for approval keeps its branch, so its commit stays referenced until it lands.
    if (workspace && !(outcome && 'awaitingApproval' in outcome)) await shared.workspaces.remove(taskId)
  }
}
