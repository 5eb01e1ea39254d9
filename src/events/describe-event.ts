import type { EventData, EventType } from './event.ts'

type Describers = { [T in EventType]: (data: EventData<T>) => string }

/** An event's type with its data: what the store records and what the API sends both have them. */
type EventContent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType]

const short = (commit: string | undefined) => commit?.slice(0, 10) ?? ''
const firstLine = (text: string) => text.split('\n').find((line) => line.trim() !== '')?.trim() ?? ''
const joined = (...parts: (string | false | undefined | null)[]) => parts.filter((part) => part).join(' · ')
const list = (items: readonly string[], shown = 5) => (items.length > shown ? `${items.slice(0, shown).join(', ')} and ${items.length - shown} more` : items.join(', '))
const inputSummary = (input: unknown) => {
  if (typeof input !== 'object' || input === null) return ''
  const fields = input as Record<string, unknown>
  // Colony's tools and the agent CLIs' own (Claude Code's file_path, Codex's cmd, opencode's filePath).
  const value = fields.command ?? fields.cmd ?? fields.path ?? fields.file_path ?? fields.filePath ?? fields.query ?? fields.pattern ?? fields.title ?? fields.summary ?? fields.text ?? fields.reason
  if (typeof value !== 'string') return ''
  const line = firstLine(value)
  return line.length > 120 ? `${line.slice(0, 119)}…` : line
}

/** A task's move into a status, as one line: who and why, not where it came from (the type says where it went). */
const taskMove = (data: EventData<'task-merged'>) =>
  joined(data.reason, data.owner && `by ${data.owner}`, data.commit && `commit ${short(data.commit)}`, data.revert && `revert ${short(data.revert)}`, data.dependency !== undefined && `waits for task ${data.dependency}`, data.approved && `${data.approved} approved`, data.rejected && `${data.rejected} rejected`, data.actor && data.actor !== data.owner && `by ${data.actor}`)

const attemptEnded = (data: EventData<'task-attempt-failed'>) => joined(`attempt ${data.attempt} of ${data.maxAttempts}: ${data.reason}`, data.next === 'failed' ? 'no attempts left' : 'ready again')

const survived = (doing: string) => (data: { error: string }) => `${doing}: ${data.error}`

/**
 * What each event says, in one line of plain text, by type: the one reading of
 * an event's data shared by the live view and the dashboard. A new event type
 * does not compile until it says how it reads. The text is unescaped: a
 * terminal shows it through terminalText, a page through its own escaping.
 */
const describers: Describers = {
  'run-created': (data) => joined(`target ${data.target}`, data.goal),
  'run-goal-set': (data) => data.goal,
  'run-target-changed': (data) => `${data.from} → ${data.to} by ${data.actor}`,
  'run-configured': (data) => data.summary,
  'run-started': (data) => `on ${data.instance}`,
  'run-paused': (data) => joined(`by ${data.actor}`, data.reason),
  'run-resumed': (data) => joined(`by ${data.actor}`, data.reason),
  'run-stop-requested': (data) => `by ${data.actor}`,
  'run-done': (data) => joined(data.reason, `${data.cycles} cycles`),
  'run-stopped': (data) => joined(data.reason, `${data.cycles} cycles`),
  'run-failed': (data) => joined(data.reason, `${data.cycles} cycles`),
  'run-steered': (data) => `${data.actor}: ${data.text}`,
  'run-no-progress': (data) => `${data.cycles} cycles without progress: ${data.verdict}`,
  'budget-exceeded': (data) => data.reason,
  'budget-threshold-reached': (data) => `${Math.round(data.threshold * 100)}%: ${data.reason}`,
  'workers-joined': (data) => joined(`${data.workers} workers on ${data.instance}`, data.summary),
  'workers-left': (data) => `${data.instance}: ${data.reason}`,

  'task-created': (data) => joined(data.title, `${data.kind} by ${data.createdBy}`, data.dependsOn.length > 0 && `after ${data.dependsOn.join(', ')}`, data.reason),
  'task-proposed': taskMove,
  'task-awaiting-approval': taskMove,
  'task-ready': taskMove,
  'workspace-base-ready': (data) => `shared checkout of ${data.commit.slice(0, 12)} for overlay workspaces made in ${(data.ms / 1000).toFixed(1)} s`,
  'workspace-opened': (data) => `${data.resumed ? 'resumed' : 'new'} ${data.kind === 'overlay' ? 'overlay' : 'git worktree'} ready in ${Math.round(data.ms)} ms${data.waitedMs ? ` (${Math.round(data.waitedMs)} ms of it waiting for others to be made)` : ''}`,
  'task-claimed': (data) => ('leaseUntil' in data ? `by ${data.owner}, attempt ${data.attempt}` : taskMove(data)),
  'task-started': taskMove,
  'task-integrating': taskMove,
  'task-merged': taskMove,
  'task-failed': taskMove,
  'task-blocked': taskMove,
  'task-cancelled': taskMove,
  'task-reverted': taskMove,
  'task-released': (data) => joined(data.reason, data.owner && `from ${data.owner}`),
  'task-retried': (data) => joined(data.reason, `after attempt ${data.previousAttempt}`, data.actor && `by ${data.actor}`),
  'task-attempt-failed': attemptEnded,
  'task-lease-expired': attemptEnded,
  'task-landing': (data) => `by ${data.owner}`,
  'task-landing-interrupted': (data) => data.reason,

  'agent-started': (data) => `${data.role} on ${data.model}`,
  'agent-step': (data) => joined(`step ${data.step}`, data.toolCalls.length > 0 && data.toolCalls.join(', '), firstLine(data.text), data.empty && 'empty answer'),
  'tool-call': (data) => joined(`${data.tool} ${inputSummary(data.input)}`.trim(), !data.ok && `failed: ${firstLine(data.output)}`, data.fatal && 'fatal'),
  'tool-call-invalid': (data) => `${data.tool}: ${data.error}`,
  'context-compacted': (data) => `${data.messagesSummarized} messages summarized into ${data.summaryCharacters} characters`,
  'agent-finished': (data) => `${data.steps} steps, $${data.costUsd.toFixed(4)}`,
  'agent-stopped': (data) => joined(`${data.reason}: ${data.detail}`, data.error, `${data.steps} steps`),
  'model-warning': (data) => `${data.provider}/${data.model}: ${JSON.stringify(data.warning)}`,

  'planner-turn-started': (data) => `turn ${data.turn}, ${data.handoffs} handoffs`,
  'planner-turn-finished': (data) => joined(`turn ${data.turn}: ${data.created} tasks`, data.complete && 'plan complete'),
  'planner-scratchpad': (data) => firstLine(data.text),
  'judge-started': (data) => `cycle ${data.cycle}`,
  verdict: (data) => `${data.decision}: ${data.reason}`,

  'merge-conflict': (data) => list(data.files),
  'scope-refused': (data) => `${list(data.files)} outside ${list(data.scope)}`,
  'change-refused': (data) => list(data.files),
  'diff-refused': (data) => `${data.lines} lines changed, limit ${data.limit}`,
  'gate-skipped': (data) => data.reason,
  'gate-failed': (data) => firstLine(data.output),
  'gate-passed': (data) => joined(`at ${short(data.tip)}`, data.rerunBecause && `rerun: ${data.rerunBecause.join(', ')}`),
  'target-moved': (data) => `at ${data.at}: expected ${short(data.expected)}, found ${short(data.actual)}`,
  'landing-swap': (data) => `${short(data.tip)} → ${short(data.candidate)}`,
  'landing-refused': (data) => data.reason,
  'integration-error': (data) => data.error,

  'deep-gate-baseline': (data) => joined(short(data.commit), data.summary),
  'deep-gate-bisecting': (data) => joined(data.command, data.summary),
  'deep-gate-passed': (data) => joined(`at ${short(data.tip)}`, data.merges !== undefined && `${data.merges} merges`),
  'deep-gate-failed': (data) => joined(data.command, data.reason, data.commit && `culprit ${short(data.commit)}`),
  'deep-gate-report': (data) => {
    const failing = data.checks.filter((check) => check.status === 'red-from-start' || check.status === 'still-red')
    // Red only with checks that failed when the run began too: work not all landed yet, not a break (no merge is blamed).
    if (data.status === 'red' && failing.length > 0 && failing.every((check) => check.status === 'red-from-start')) return `not green yet · ${list(failing.map((check) => check.command))} still failing as when the run started (no merge broke it)`
    return joined(data.status, data.summary)
  },

  'command-refused': (data) => `${data.command} (${data.rule})`,
  'command-approval-requested': (data) => joined(data.command, data.rule),
  'command-approved': (data) => `${data.command} by ${data.actor}`,
  'command-rejected': (data) => joined(`${data.command} by ${data.actor}`, data.reason),

  'memory-added': (data) => joined(`memory ${data.memory} (${data.kind}) by ${data.actor}`, data.text),
  'memory-forgotten': (data) => `memory ${data.memory} by ${data.actor}`,

  'notification-sent': (data) => `${data.kind} (event ${data.source}) by ${data.channels.join(', ')}${data.attempts > 1 ? `, ${data.attempts} tries` : ''}`,
  'notification-failed': (data) => `${data.kind} (event ${data.source}) by ${data.channel} after ${data.attempts} ${data.attempts === 1 ? 'try' : 'tries'}: ${data.error}`,

  'plan-settle-failed': survived('settling the plan'),
  'task-release-failed': survived('releasing the task'),
  'replan-cancel-failed': survived('cancelling for a new plan'),
  'run-shutdown-failed': survived('shutting down'),
  'run-stop-failed': survived('stopping'),
  'workers-leave-failed': survived('workers leaving'),
  'agent-update-failed': survived('recording the agent'),
  'worktree-removal-failed': survived('removing a worktree'),
  'deep-gate-error': survived('deep gate'),
  'memory-update-failed': survived('marking stale memories'),
}

/** One line of plain text saying what an event says (its type aside). */
export function describeEvent(event: EventContent): string {
  const describe = describers[event.type] as ((data: EventContent['data']) => string) | undefined
  try {
    if (describe) return describe(event.data)
  } catch {
    // A row an older Colony wrote may not fit today's shape; its raw data says everything it holds.
  }
  return JSON.stringify(event.data)
}
