import { runTitle, shortened, type RunResult } from './run-result.ts'

/** GitHub takes a body of at most 65,536 characters; the goal and the task list are cut well inside it. */
const goalLimit = 6_000
const taskLimit = 300

export function pullRequestTitle(result: RunResult): string {
  return runTitle(result.run)
}

/**
 * The pull request's body, in Markdown: the goal (quoted), the merged tasks
 * with their ids and commits, and the judge's last verdict. Task ids are
 * written "task 7", never "#7", which a forge would link to its own issue 7.
 */
export function pullRequestBody(result: RunResult, target: { branch: string; commit: string }): string {
  const { run, tasks, verdict } = result
  const lines = [`Colony run ${run.id} merged ${tasks.length} task${tasks.length === 1 ? '' : 's'} onto \`${target.branch}\` (at ${target.commit.slice(0, 12)}).`, '']
  lines.push('## Goal', '')
  lines.push(...(run.goal ? shortened(run.goal, goalLimit).split('\n').map((line) => `> ${line}`.trimEnd()) : ['(no goal: tasks added by hand)']), '')
  lines.push('## Merged tasks', '')
  for (const task of tasks.slice(0, taskLimit)) lines.push(`- task ${task.id}: ${task.title}${task.commit ? ` (${task.commit.slice(0, 12)})` : ''}`)
  if (tasks.length > taskLimit) lines.push(`- and ${tasks.length - taskLimit} more (\`colony log\`)`)
  lines.push('')
  lines.push("## The judge's last verdict", '')
  lines.push(verdict ? `**${verdict.decision}** (cycle ${verdict.cycle}): ${shortened(verdict.reason, 4_000)}` : 'none: the judge has not ended a cycle of this run')
  lines.push('', '---', 'Opened with `colony pr`.')
  return `${lines.join('\n')}\n`
}
