import { afterEach, describe, expect, it } from 'vitest'
import type { ScriptedReply, ScriptedRequest } from '../src/model/scripted/index.ts'
import { colony } from './support/cli.ts'
import { createRunFixture, type RunFixture } from './support/run-fixture.ts'

/**
 * Memory across tasks and runs, on the demo's textkit project with Colony's
 * own loop for every role. Run 1: task A's worker notes a fact about
 * src/slugify.ts; task B (after A) needs it; task C's first attempt fails at
 * its gate; task D (after B) changes src/slugify.ts. Run 2 starts on the same
 * repository with a new goal.
 */
const note = 'slugify joins the words with a single dash as separator; the tests and the URLs in docs depend on it, so keep the separator configured as one dash.'
const wrongWordCount = "export function wordCount(text: string): number {\n  return text.split(' ').length\n}\n"
const wordCount = 'export function wordCount(text: string): number {\n  return text.split(/\\s+/).filter(Boolean).length\n}\n'
const slugify = "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n"

const call = (name: string, input: unknown): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 100 } })

/** The first user message of a request: the task contract (or the planner's prompt) with what memory added to it. */
export function firstPrompt(request: ScriptedRequest): string {
  const messages = (request.body as { messages?: { role: string; content: unknown }[] }).messages ?? []
  const first = messages.find((message) => message.role === 'user')
  return typeof first?.content === 'string' ? first.content : JSON.stringify(first?.content ?? '')
}

function planner(request: ScriptedRequest): ScriptedReply {
  const prompt = firstPrompt(request)
  if (request.turn > 1 || !prompt.includes('This is turn 1 on this plan')) return call('finish', { summary: 'planned' })
  if (prompt.includes('# The goal\n\nDocument the slugs')) {
    return call('create_tasks', { tasks: [{ title: 'Explain slug URLs', description: 'Add docs/urls.md saying how slugs appear in URLs.', acceptance: ['test -f docs/urls.md'], scope: ['docs/urls.md'] }] })
  }
  return call('create_tasks', {
    tasks: [
      { title: 'Implement slugify', description: 'Implement slugify in src/slugify.ts as SPEC.md says.', acceptance: ['node --test test/slugify.test.ts'], scope: ['src/slugify.ts'] },
      { title: 'Document the slug separator', description: 'Write docs/slugs.md: which separator slugify puts between words, and why.', acceptance: ['test -f docs/slugs.md'], scope: ['docs/slugs.md'], depends_on: ['Implement slugify'] },
      { title: 'Implement wordCount', description: 'Implement wordCount in src/word-count.ts as SPEC.md says.', acceptance: ['node --test test/word-count.test.ts'], scope: ['src/word-count.ts'] },
      { title: 'Comment slugify', description: 'Add a comment above slugify in src/slugify.ts.', acceptance: ['node --test test/slugify.test.ts'], scope: ['src/slugify.ts'], depends_on: ['Document the slug separator'] },
    ],
  })
}

function worker(request: ScriptedRequest): ScriptedReply {
  const prompt = firstPrompt(request)
  const title = /Title: (.*)/.exec(prompt)?.[1]
  const turn = request.turn
  switch (title) {
    case 'Implement slugify':
      return [call('note', { text: note, files: ['src/slugify.ts'] }), call('write_file', { path: 'src/slugify.ts', content: slugify }), call('finish', { summary: 'slugify implemented' })][Math.min(turn, 3) - 1]!
    case 'Document the slug separator':
      // Other forms of the note's words: separators/separator, configuration/configured, dashes/dash.
      return [call('recall', { query: 'separators configuration dashes' }), call('write_file', { path: 'docs/slugs.md', content: 'Slugs join words with one dash.\n' }), call('finish', { summary: 'documented' })][Math.min(turn, 3) - 1]!
    case 'Implement wordCount':
      // Attempt 1 keeps offering a change that fails its gate until the stall detector ends it; attempt 2 gets it right.
      if (prompt.includes('attempt 1 of')) return turn === 1 ? call('write_file', { path: 'src/word-count.ts', content: wrongWordCount }) : call('finish', { summary: 'wordCount splits on spaces' })
      return [call('write_file', { path: 'src/word-count.ts', content: wordCount }), call('finish', { summary: 'wordCount splits on whitespace runs' })][Math.min(turn, 2) - 1]!
    case 'Comment slugify':
      return [call('write_file', { path: 'src/slugify.ts', content: `// Lower-cases, joins words with a dash.\n${slugify}` }), call('finish', { summary: 'commented' })][Math.min(turn, 2) - 1]!
    case 'Explain slug URLs':
      return [call('recall', { query: 'slug separator', kind: 'note' }), call('write_file', { path: 'docs/urls.md', content: 'URLs carry slugs.\n' }), call('finish', { summary: 'explained' })][Math.min(turn, 3) - 1]!
    default:
      return call('finish', { summary: 'nothing scripted' })
  }
}

function script(request: ScriptedRequest): ScriptedReply {
  if (request.purpose === 'summary') return { text: 'Earlier steps summarized.' }
  if (request.role === 'planner') return planner(request)
  if (request.role === 'judge') return call('verdict', { decision: 'done', reason: 'The planned tasks merged and the checks pass on the target.' })
  return worker(request)
}

describe('memory across tasks and runs', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it("hands a worker's finding to later tasks and the next run, carries a failed attempt's gate digest to the retry, and marks notes stale when their file changes", async () => {
    fixture = await createRunFixture(script, { checks: { fast: [], full: ['node --test test/slugify.test.ts test/word-count.test.ts'] } })
    const { root, server } = fixture
    const requestsOf = (title: string) => server.requests.filter((request) => request.role === 'worker' && firstPrompt(request).includes(`Title: ${title}`))

    const first = await colony(root, ['run', '--goal', 'Implement slugify and wordCount, and document the slug separator.'])
    expect(first.code, first.stderr + first.stdout).toBe(0)
    const tasks = await fixture.withStore((store) => store.listTasks())
    expect(tasks.filter((task) => task.kind === 'work').map((task) => [task.title, task.status, task.attempt])).toEqual([
      ['Implement slugify', 'merged', 1],
      ['Document the slug separator', 'merged', 1],
      ['Implement wordCount', 'merged', 2],
      ['Comment slugify', 'merged', 1],
    ])
    const byTitle = (title: string) => tasks.find((task) => task.title === title)!

    // B's first request already holds A's note, with who wrote it; B's recall finds it by other forms of its words.
    const noted = (await fixture.withStore((store) => store.listMemories({ kinds: ['note'] })))[0]!
    expect(noted).toMatchObject({ text: note, role: 'worker', taskId: byTitle('Implement slugify').id, runId: 1, files: ['src/slugify.ts'] })
    expect(noted.commit).toMatch(/^[0-9a-f]{40}$/)
    const documenting = requestsOf('Document the slug separator')
    expect(firstPrompt(documenting[0]!)).toContain('# What Colony remembers')
    expect(firstPrompt(documenting[0]!)).toContain(`[memory ${noted.id}] note by worker (agent ${noted.agentId}) · task ${noted.taskId} · run 1`)
    expect(firstPrompt(documenting[0]!)).toContain(note)
    expect(documenting[1]!.toolResults.at(-1)).toMatch(new RegExp(`^1 memory, best match first:\\n\\n\\[memory ${noted.id}\\] note by worker`))

    // C's second attempt starts with the digest of why its first ended at the gate.
    const wordCountTask = byTitle('Implement wordCount')
    const [failure] = await fixture.withStore((store) => store.listMemories({ kinds: ['failure'], taskId: wordCountTask.id }))
    expect(failure!.text).toMatch(/^Attempt 1 of task \d+ "Implement wordCount" ended: .*stall/)
    expect(failure!.text).toContain('Its last gate failure:')
    expect(failure!.text).toMatch(/word-count/)
    const retry = requestsOf('Implement wordCount').find((request) => request.turn === 1 && firstPrompt(request).includes('attempt 2 of'))!
    expect(firstPrompt(retry)).toContain(`[memory ${failure!.id}] failure by worker`)
    expect(firstPrompt(retry)).toContain(failure!.text)

    // D changed src/slugify.ts after A noted it: the note is stale, naming the file and D's merge.
    const commented = byTitle('Comment slugify')
    const stale = await fixture.withStore((store) => store.getMemory(noted.id))
    expect(stale.stale).toMatchObject({ files: ['src/slugify.ts'], commit: commented.result?.commit })

    // Run 2, same repository: its planner starts with run 1's verdict and failures; its worker recalls run 1's note, marked stale.
    const second = await colony(root, ['run', '--goal', 'Document the slugs in URLs.'])
    expect(second.code, second.stderr + second.stdout).toBe(0)
    const planning = server.requests.find((request) => request.role === 'planner' && firstPrompt(request).includes('Document the slugs in URLs'))!
    expect(firstPrompt(planning)).toMatch(/\[memory \d+\] verdict by judge · run 1 · .*\ndone \(cycle 1\): The planned tasks merged/)
    expect(firstPrompt(planning)).toContain(`[memory ${failure!.id}] failure by worker`)
    const recalled = requestsOf('Explain slug URLs').find((request) => request.turn === 2)!.toolResults.at(-1)!
    expect(recalled).toContain(`[memory ${noted.id}] note by worker (agent ${noted.agentId}) · task ${noted.taskId} · run 1`)
    expect(recalled).toMatch(/STALE: src\/slugify\.ts changed on the target at [0-9a-f]{10} after this was written/)
  }, 240_000)
})
