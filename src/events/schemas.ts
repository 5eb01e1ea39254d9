import { z } from 'zod'

/**
 * Every event Colony records, by type, with the shape of its data. The store
 * refuses an event whose type is not here or whose data does not fit; the
 * terminal, the live view and the dashboard read their keys from here.
 *
 * Keys an emitter sometimes leaves out are optional. Data may carry keys a
 * schema does not name (a test's hostile key, an older row): they are kept as
 * written, only the named keys are checked.
 */

/** The statuses a task moves through (the store's `taskStatuses`, which reads them from here). */
export const taskStatuses = [
  'proposed',
  'awaiting_approval',
  'ready',
  'claimed',
  'running',
  'integrating',
  'merged',
  'failed',
  'blocked',
  'cancelled',
  'reverted',
] as const

/** The statuses a run moves through (the store's `runStatuses`, which reads them from here). */
export const runStatuses = ['pending', 'running', 'paused', 'stopping', 'stopped', 'done', 'failed'] as const

const taskStatus = z.enum(taskStatuses)
const runStatus = z.enum(runStatuses)
const json = z.record(z.string(), z.unknown())

/** A task entering a status (`task-<status>`): where it came from, and what the move said about it. */
const taskMove = z.object({
  from: taskStatus,
  owner: z.string().nullable().optional(),
  actor: z.string().optional(),
  reason: z.string().optional(),
  attempt: z.number().optional(),
  result: json.optional(),
  /** The task this one waits for (blocked) or waited for (ready again). */
  dependency: z.number().optional(),
  approved: z.enum(['plan', 'merge']).optional(),
  rejected: z.enum(['plan', 'merge']).optional(),
  /** A landing found complete on the target after a crash. */
  recovered: z.boolean().optional(),
  commit: z.string().optional(),
  revert: z.string().optional(),
  output: z.string().optional(),
  /** Why the board counts the task merged. */
  recorded: z.string().optional(),
})

/** An attempt that ended without landing: the task goes back to ready, or fails after its last attempt. */
const attemptEnded = z.object({
  owner: z.string().nullable(),
  attempt: z.number(),
  maxAttempts: z.number(),
  reason: z.string(),
  next: z.enum(['ready', 'failed']),
})

/** A failure Colony survived (src/orchestrator/survived-failure.ts): what it was doing, and the error. */
function survived<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ ...shape, error: z.string(), name: z.string().optional() })
}

/** What a process runs with (launch's `describeProcess`). */
const processDescription = {
  summary: z.string(),
  models: z.record(z.string(), z.string()),
  workers: z.number(),
  sandbox: z.object({ mode: z.string(), processCap: z.string().optional(), notCovered: z.array(z.string()).readonly() }),
  /** overlay, or worktree with why (absent in events written before workspaces had kinds). */
  workspaces: z.object({ kind: z.string(), reason: z.string().optional() }).optional(),
}

const tokens = {
  inputTokens: z.number(),
  outputTokens: z.number(),
  cachedTokens: z.number(),
  costUsd: z.number(),
  purpose: z.string(),
}

const culprit = z.object({ taskId: z.number(), commit: z.string() })

/** Failures Colony survived and recorded (src/orchestrator/survived-failure.ts). */
export const survivedFailureSchemas = {
  'plan-settle-failed': survived({ run: z.string(), reason: z.string() }),
  'task-release-failed': survived({ reason: z.string() }),
  'replan-cancel-failed': survived({ reason: z.string() }),
  'run-shutdown-failed': survived({ cause: z.string() }),
  'run-stop-failed': survived({ actor: z.string() }),
  'workers-leave-failed': survived({ instance: z.string(), cause: z.string() }),
  'agent-update-failed': survived({ agent: z.number(), status: z.string() }),
  'worktree-removal-failed': survived({ worktree: z.string() }),
  'deep-gate-error': survived({}),
  'memory-update-failed': survived({ commit: z.string() }),
}

export const eventSchemas = {
  // Runs
  'run-created': z.object({ goal: z.string().optional(), target: z.string() }),
  'run-goal-set': z.object({ goal: z.string() }),
  'run-target-changed': z.object({ from: z.string(), to: z.string(), actor: z.string() }),
  'run-configured': z.object({ instance: z.string(), ...processDescription }),
  'run-started': z.object({ from: runStatus, instance: z.string() }),
  'run-paused': z.object({ from: runStatus, actor: z.string(), reason: z.string().optional() }),
  'run-resumed': z.object({ from: runStatus, actor: z.string(), reason: z.string().optional() }),
  'run-stop-requested': z.object({ from: runStatus, actor: z.string() }),
  'run-done': z.object({ from: runStatus, reason: z.string(), cycles: z.number() }),
  'run-stopped': z.object({ from: runStatus, reason: z.string(), cycles: z.number() }),
  'run-failed': z.object({ from: runStatus, reason: z.string(), cycles: z.number() }),
  'run-steered': z.object({ text: z.string(), actor: z.string() }),
  'run-no-progress': z.object({ cycles: z.number(), verdict: z.string() }),
  'budget-exceeded': z.object({ reason: z.string() }),
  /** A share of a budget used (src/notify): once per run and threshold, for the first measure to reach it. */
  'budget-threshold-reached': z.object({ threshold: z.number(), measure: z.enum(['usd', 'tokens', 'hours']), used: z.number(), limit: z.number(), reason: z.string() }),
  'workers-joined': z.object({ ...z.object(processDescription).partial().shape, instance: z.string(), workers: z.number() }),
  'workers-left': z.object({ instance: z.string(), reason: z.string() }),

  // Tasks: created, then one event per status it enters (the board's eventTypeFor), and the lease's life.
  'task-created': z.object({ title: z.string(), kind: z.enum(['plan', 'work']), status: taskStatus, createdBy: z.string(), dependsOn: z.array(z.number()), reason: z.string().optional() }),
  'task-proposed': taskMove,
  'task-awaiting-approval': taskMove,
  'task-ready': taskMove,
  'workspace-base-ready': z.object({ commit: z.string(), ms: z.number() }),
  // ms: from asking to ready; waitedMs (absent before it was recorded): of that, waiting for other workspaces to be made first.
  'workspace-opened': z.object({ kind: z.enum(['overlay', 'worktree']), ms: z.number(), waitedMs: z.number().optional(), resumed: z.boolean() }),
  'task-claimed': z.union([z.object({ owner: z.string(), attempt: z.number(), leaseUntil: z.number() }), taskMove]),
  'task-started': taskMove,
  'task-integrating': taskMove,
  'task-merged': taskMove,
  'task-failed': taskMove,
  'task-blocked': taskMove,
  'task-cancelled': taskMove,
  'task-reverted': taskMove,
  'task-released': z.object({ from: taskStatus, owner: z.string().nullable(), reason: z.string() }),
  'task-retried': z.object({ from: taskStatus, reason: z.string(), previousAttempt: z.number(), actor: z.string().optional() }),
  'task-attempt-failed': attemptEnded,
  'task-lease-expired': attemptEnded,
  'task-landing': z.object({ owner: z.string() }),
  'task-landing-interrupted': z.object({ owner: z.string().nullable(), reason: z.string() }),

  // Agents
  'agent-started': z.object({ role: z.string(), model: z.string() }),
  'agent-step': z.object({ step: z.number(), text: z.string(), toolCalls: z.array(z.string()), empty: z.boolean(), ...tokens }),
  'tool-call': z.object({ tool: z.string(), input: z.unknown(), ok: z.boolean(), output: z.string(), fatal: z.boolean().optional() }),
  'tool-call-invalid': z.object({ tool: z.string(), input: z.unknown(), error: z.string() }),
  'context-compacted': z.object({ messagesSummarized: z.number(), summaryCharacters: z.number(), ...tokens }),
  'agent-finished': z.object({ steps: z.number(), costUsd: z.number() }),
  'agent-stopped': z.object({ reason: z.string(), detail: z.string(), error: z.string().optional(), steps: z.number(), costUsd: z.number() }),
  'model-warning': z.object({ provider: z.string(), model: z.string(), warning: json }),

  // Planner and judge
  'planner-turn-started': z.object({ turn: z.number(), handoffs: z.number(), steeringCursor: z.number() }),
  'planner-turn-finished': z.object({ turn: z.number(), created: z.number(), complete: z.boolean() }),
  'planner-scratchpad': z.object({ text: z.string(), turn: z.number() }),
  'judge-started': z.object({ cycle: z.number() }),
  verdict: z.object({ cycle: z.number(), decision: z.enum(['done', 'continue', 'replan']), reason: z.string() }),

  // Landing a task's change (src/git/integrate.ts)
  'merge-conflict': z.object({ files: z.array(z.string()) }),
  'scope-refused': z.object({ files: z.array(z.string()), scope: z.array(z.string()) }),
  'change-refused': z.object({ files: z.array(z.string()) }),
  'diff-refused': z.object({ lines: z.number(), limit: z.number() }),
  'gate-skipped': z.object({ tip: z.string(), gatedAt: z.string().optional(), reason: z.string() }),
  'gate-failed': z.object({ stage: z.literal('fast'), output: z.string() }),
  'gate-passed': z.object({ stage: z.literal('fast'), tip: z.string(), rerunBecause: z.array(z.string()).optional() }),
  'target-moved': z.object({ expected: z.string(), actual: z.string(), race: z.number(), at: z.enum(['catch-up', 'swap']) }),
  'landing-swap': z.object({ tip: z.string(), candidate: z.string() }),
  'landing-refused': z.object({ reason: z.string() }),
  'integration-error': z.object({ error: z.string(), name: z.string().optional() }),

  // The deep gate on the target
  'deep-gate-baseline': z.object({ commit: z.string(), summary: z.string() }),
  'deep-gate-bisecting': z.object({ tip: z.string(), command: z.string(), since: z.string(), merges: z.number(), summary: z.string() }),
  'deep-gate-passed': z.object({ tip: z.string(), merges: z.number().optional() }),
  'deep-gate-failed': z.object({ tip: z.string(), command: z.string(), reason: z.string(), output: z.string(), commit: z.string().optional() }),
  'deep-gate-report': z.object({
    tip: z.string(),
    status: z.enum(['unchanged', 'green', 'reverted', 'red']),
    summary: z.string(),
    checks: z.array(z.object({ command: z.string(), status: z.string(), since: z.string().optional(), culprits: z.array(culprit), output: z.string().optional(), reason: z.string().optional() })),
    culprits: z.array(culprit),
  }),

  // Commands an agent or a gate runs (src/sandbox); the store adds the approval's id to approval events.
  'command-refused': z.object({ command: z.string(), rule: z.string(), part: z.string(), runs: z.string(), undecided: z.string().optional() }),
  'command-approval-requested': z.object({ command: z.string(), rule: z.string().optional(), part: z.string().optional(), approvalId: z.number().optional() }),
  'command-approved': z.object({ command: z.string(), actor: z.string(), approvalId: z.number().optional() }),
  'command-rejected': z.object({ command: z.string(), reason: z.string(), actor: z.string(), approvalId: z.number().optional() }),

  // Memory a person adds or forgets (src/memory); what agents remember is the memory itself.
  'memory-added': z.object({ memory: z.number(), kind: z.string(), actor: z.string(), text: z.string().optional() }),
  'memory-forgotten': z.object({ memory: z.number(), actor: z.string() }),

  // Notifications to a person (src/notify), one per event they are about (`source`): what went where, or why it did not.
  'notification-sent': z.object({ source: z.number(), kind: z.string(), channels: z.array(z.string()), attempts: z.number() }),
  'notification-failed': z.object({ source: z.number(), kind: z.string(), channel: z.string(), attempts: z.number(), error: z.string() }),

  ...survivedFailureSchemas,
}
