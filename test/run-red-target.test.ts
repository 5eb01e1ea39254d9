import { afterEach, describe, expect, it } from 'vitest'
import type { Script, ScriptedReply, ScriptedRequest } from '../src/model/scripted/index.ts'
import { colony, git } from './support/cli.ts'
import { createRunFixture, type RunFixture } from './support/run-fixture.ts'

// textkit starts red: its four utilities are stubs or missing, so `npm test` fails. The lint is green.
const lint = '! grep -rn console.log src'

const code: Record<string, string> = {
  'src/slugify.ts': "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n",
  'src/word-count.ts': 'export function wordCount(text: string): number {\n  return text.split(/\\s+/).filter(Boolean).length\n}\n',
  'src/truncate.ts': "export function truncate(text: string, max: number): string {\n  return text.length <= max ? text : `${text.slice(0, max - 1)}…`\n}\n",
  'src/title-case.ts': "const minor = new Set(['a', 'an', 'and', 'of', 'the'])\n\nexport function titleCase(text: string): string {\n  return text.split(' ').map((word, index) => (index > 0 && minor.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1))).join(' ')\n}\n",
  'src/index.ts': "export { slugify } from './slugify.ts'\nexport { wordCount } from './word-count.ts'\nexport { truncate } from './truncate.ts'\nexport { titleCase } from './title-case.ts'\n",
}
// Passes its own acceptance (the slugify tests) and breaks the repository-wide lint.
const slugifyWithDebugging = "export function slugify(text: string): string {\n  console.log('slugify', text)\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n"

const call = (name: string, input: unknown): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 100 } })

/**
 * Task 2 (the root planner's first task) breaks the lint; the deep gate must
 * revert it. The root planner plans the fix of `npm test` (task 3) only once
 * the judge has sent it back with the still-red check, so the judge and the
 * planner are both shown it as work to do before the run can be done.
 */
function redTargetScript(): Script {
  return (request: ScriptedRequest) => {
    if (request.purpose === 'summary') return { text: 'summary' }
    const body = JSON.stringify(request.body)
    if (request.role === 'planner') {
      if (request.turn > 1) return call('finish', { summary: 'planned' })
      if (body.includes('This is turn 1 on this plan')) {
        return call('create_tasks', { tasks: [{ title: 'Implement slugify', description: 'Implement slugify as SPEC.md says.', acceptance: ['node --test test/slugify.test.ts'], scope: ['src/slugify.ts'] }] })
      }
      if (body.includes("# The judge's last verdict") && body.includes('# Checks still failing on the target')) {
        return call('create_tasks', { tasks: [{ title: 'Make npm test pass', description: 'Implement the four utilities of SPEC.md.', acceptance: ['npm test'], scope: Object.keys(code) }] })
      }
      return call('finish', { summary: 'nothing to plan' })
    }
    if (request.role === 'judge') {
      // Tries "done" first: refused while a check fails, accepted once every check passes.
      return request.turn === 1 ? call('verdict', { decision: 'done', reason: 'the goal looks met' }) : call('verdict', { decision: 'continue', reason: 'npm test still fails on the target' })
    }
    const writes = request.task === '2' ? [['src/slugify.ts', slugifyWithDebugging]] : Object.entries(code)
    const steps = [...writes.map(([path, content]) => call('write_file', { path, content })), call('finish', { summary: `wrote ${writes.map(([path]) => path).join(', ')}` })]
    return steps[Math.min(request.turn, steps.length) - 1]!
  }
}

describe('colony run on a target that starts red', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('reverts the change that breaks a green check, and gives the check that was red from the start to the judge and the planner as work to do', async () => {
    fixture = await createRunFixture(redTargetScript(), { workers: 2, checks: { fast: [], full: ['npm test', lint] } })
    const run = await colony(fixture.root, ['run', '--goal', 'Implement textkit as SPEC.md says'])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toContain('run 1 done')

    const tasks = JSON.parse((await colony(fixture.root, ['task', 'list', '--json'])).stdout) as { id: number; status: string; reason: string | null }[]
    const slugify = tasks.find((task) => task.id === 2)
    expect(slugify?.status).toBe('reverted')
    expect(slugify?.reason).toContain("console.log('slugify', text)")
    expect(tasks.find((task) => task.id === 3)?.status).toBe('merged')

    const reports = await fixture.withStore(async (store) => (await store.listEvents({ types: ['deep-gate-report'] })).map((event) => event.data))
    expect(reports[0]).toMatchObject({
      status: 'red',
      checks: [
        { command: 'npm test', status: 'red-from-start' },
        { command: lint, status: 'reverted', culprits: [{ taskId: 2 }] },
      ],
    })
    expect(reports.at(-1)).toMatchObject({ status: 'green', checks: [{ status: 'passing' }, { status: 'passing' }] })
    expect(await git(fixture.root, ['show', 'colony/main:src/slugify.ts'])).not.toContain('console.log')
    expect(await fixture.targetTestsPass()).toBe(true)

    const bodies = (role: string) => fixture!.server.requests.filter((request) => request.role === role).map((request) => JSON.stringify(request.body))
    expect(bodies('judge').some((body) => body.includes('`npm test`: FAILS, red from the start') && body.includes('Still failing: work to do'))).toBe(true)
    expect(fixture.server.requests.some((request) => request.role === 'judge' && request.toolResults.some((result) => result.includes('the goal cannot be done while it does')))).toBe(true)
    expect(bodies('planner').some((body) => body.includes('# Checks still failing on the target') && body.includes('`npm test`: red from the start'))).toBe(true)
  }, 120_000)
})
