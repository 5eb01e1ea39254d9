/// <reference lib="dom" />
// The callbacks given to page.$eval run in the browser, on DOM elements.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'puppeteer-core'
import { afterEach, describe, expect, it, onTestFailed } from 'vitest'
import type { Script, ScriptedReply } from '../src/model/scripted/index.ts'
import { colony, git } from './support/cli.ts'
import { chromiumPath, launchChromium, openDashboard, startDashboard, type Dashboard } from './support/dashboard.ts'
import { createRunFixture, startColonyRun, type RunFixture } from './support/run-fixture.ts'

const token = 'review-token'

const firstTry = 'export function slugify(text: string): string {\n  return text.toLowerCase()\n}\n'
const fix: [string, string] = ['  return text.toLowerCase()\n', "  return text\n    .toLowerCase()\n    .replace(/[^a-z0-9]+/g, '-')\n    .replace(/^-+|-+$/g, '')\n"]

/**
 * One task, Implement slugify, whose worker gets it wrong first: its first
 * finish fails the gate, an edit fixes it, and the second finish passes the
 * gate and waits for a person (approval.merge). Worker replies take a moment,
 * so its steps can be seen on the board while it works.
 */
const reviewScript: Script = (request) => {
  const call = (name: string, input: unknown, delayMs = 0): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 100 }, delayMs })
  if (request.purpose === 'summary') return { text: 'summary' }
  if (request.role === 'planner') {
    const first = request.task === '1' && request.turn === 1 && JSON.stringify(request.body).includes('This is turn 1 on this plan')
    if (!first) return call('finish', { summary: 'planned' })
    return call('create_tasks', { tasks: [{ title: 'Implement slugify', description: 'slugify as SPEC.md says', acceptance: ['node --test test/slugify.test.ts'], scope: ['src/slugify.ts'] }] })
  }
  if (request.role === 'judge') return call('verdict', { decision: 'done', reason: 'slugify is in' })
  const steps = [
    call('write_file', { path: 'src/slugify.ts', content: firstTry }, 1_500),
    call('finish', { summary: 'slugify lower-cases' }, 1_500),
    call('edit_file', { path: 'src/slugify.ts', old_string: fix[0], new_string: fix[1] }, 500),
    call('finish', { summary: 'slugify replaces runs of other characters with one dash' }),
  ]
  return steps[Math.min(request.turn, steps.length) - 1]!
}

describe.skipIf(!chromiumPath && !process.env.CI)('reviewing a change in the dashboard before it lands', () => {
  let fixture: RunFixture | undefined
  let dashboard: Dashboard | undefined
  let browser: Browser | undefined
  afterEach(async () => {
    await browser?.close()
    await dashboard?.stop()
    await fixture?.dispose()
  })

  it("shows the gated change, a failed gate's output and the worker's edit as a diff; Approve there lands it", async () => {
    fixture = await createRunFixture(reviewScript, { approval: { plan: false, merge: true } })
    const { root } = fixture
    let waitingFor = 'the server'
    onTestFailed(() => console.log(`while waiting for ${waitingFor}`))

    dashboard = await startDashboard(root, { token })
    const { origin } = dashboard
    browser = await launchChromium()
    const { page, problems } = await openDashboard(browser, dashboard, { viewport: { width: 1440, height: 1100 } })
    const screenshots = await mkdtemp(join(tmpdir(), 'colony-review-'))
    const shot = async (name: string, selector?: string) => {
      const path = join(screenshots, name)
      if (selector) await (await page.$(selector))!.screenshot({ path })
      else await page.screenshot({ path, fullPage: true })
      console.log(`screenshot: ${path}`)
    }

    const run = startColonyRun(root, ['--goal', 'Implement slugify'])
    const until = async (what: string, condition: () => Promise<boolean>) => {
      waitingFor = what
      while (!(await condition().catch(() => false))) {
        if (run.child.exitCode !== null) throw new Error(`the run ended while waiting for ${what}: ${run.output().slice(-3_000)}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    const text = (selector: string) => page.$eval(selector, (element) => element.textContent ?? '')

    // The board names the worker and says what it is doing, not the process slot that holds the task.
    await until('the worker on the board', async () => /^worker-\d+ step \d+: (write_file|finish|edit_file)/.test(await text('[data-testid=task-2] .doing')))
    expect(await text('[data-testid=task-2]')).not.toMatch(/slot-\d/)
    await shot('1-board-worker-step.png')

    await until('task 2 awaiting approval', async () => (await text('[data-testid=task-2]')).includes('awaiting_approval'))
    // Nothing lands before a person says so.
    expect(await git(root, ['show', 'colony/main:src/slugify.ts'])).toContain('not implemented')

    // The API answers the change as `colony diff` prints it.
    const answered = (await (await fetch(`${origin}/api/tasks/2/diff`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>
    const printed = JSON.parse((await colony(root, ['diff', '2', '--json'])).stdout) as Record<string, unknown>
    expect(answered).toEqual({ source: 'candidate', base: printed.base, head: printed.head, stat: [{ path: 'src/slugify.ts', added: 5, removed: 2 }], patch: printed.patch, truncated: false })

    // The drawer: the gated change, file by file, coloured, with the decision on it.
    for (const link of await page.$$('button.link.id')) if ((await link.evaluate((element) => element.textContent)) === '#2') await link.click()
    const drawer = 'aside[aria-label="task 2"]'
    const file = `${drawer} details.diff-file[data-path="src/slugify.ts"]`
    await until('the change in the drawer', async () => (await page.$(file)) !== null)
    expect(await text(`${drawer} [data-source]`)).toContain('it lands only when you approve it')
    const lines = await page.$$eval(`${file} .diff-lines span`, (spans) => spans.map((span) => ({ kind: span.className, text: span.textContent, background: getComputedStyle(span).backgroundColor })))
    expect(lines).toContainEqual({ kind: 'line-removed', text: "-  throw new Error('not implemented')\n", background: 'rgb(253, 236, 236)' })
    expect(lines).toContainEqual({ kind: 'line-added', text: "+    .replace(/[^a-z0-9]+/g, '-')\n", background: 'rgb(230, 246, 234)' })
    expect(await page.$eval(file, (element) => element.open)).toBe(true)
    await page.click(`${file} summary`)
    expect(await page.$eval(file, (element) => element.open)).toBe(false)
    await page.click(`${file} summary`)
    await shot('2-drawer-gated-change.png', drawer)

    // The first finish's failed gate, with what the tests said.
    const gate = `${drawer} li[data-type=gate-failed] details`
    expect(await page.$eval(`${gate} pre.output`, (element) => element.checkVisibility())).toBe(false)
    await page.click(`${gate} summary`)
    const gateOutput = await page.$eval(`${gate} pre.output`, (element) => ({ shown: element.checkVisibility(), text: element.textContent ?? '' }))
    expect(gateOutput.shown).toBe(true)
    expect(gateOutput.text).toContain('node --test test/slugify.test.ts')
    expect(gateOutput.text).toContain("'hello, world!'")
    await page.$eval(gate, (element) => element.scrollIntoView({ block: 'center' }))
    await shot('3-drawer-failed-gate-output.png', drawer)

    // The worker's transcript: its first write as the file it wrote, its edit as a diff.
    for (const button of await page.$$(`${drawer} button.link`)) if (/^worker-\d+ .* show transcript$/.test((await button.evaluate((element) => element.textContent)) ?? '')) await button.click()
    const edit = `${drawer} .transcript .tool-call[data-tool=edit_file]`
    await until('the transcript', async () => (await page.$(edit)) !== null)
    expect(await text(`${edit} header`)).toBe('edit_file src/slugify.ts')
    const editLines = await page.$$eval(`${edit} .diff-lines span`, (spans) => spans.map((span) => `${span.className} ${span.textContent}`))
    expect(editLines).toEqual(['line-removed -  return text.toLowerCase()\n', 'line-added +  return text\n', 'line-added +    .toLowerCase()\n', "line-added +    .replace(/[^a-z0-9]+/g, '-')\n", "line-added +    .replace(/^-+|-+$/g, '')\n"])
    expect(await text(`${drawer} .transcript .tool-call[data-tool=write_file] pre.file-content`)).toBe(firstTry)
    const calls = await page.$$eval(`${drawer} .transcript .tool-call`, (elements) => elements.map((element) => element.textContent ?? ''))
    expect(calls.length).toBeGreaterThanOrEqual(4)
    for (const call of calls) {
      expect(call).not.toContain('\\n')
      expect(call).not.toContain('"old_string"')
    }
    await page.$eval(edit, (element) => element.scrollIntoView({ block: 'center' }))
    await shot('4-transcript-edit-as-diff.png', drawer)

    // Approve, right there: the change lands on the target.
    await page.click(`${drawer} button.approve`)
    await until('task 2 merged', async () => (await fixture!.withStore((store) => store.getTask(2))).status === 'merged')
    expect(await git(root, ['show', 'colony/main:src/slugify.ts'])).toBe(`export function slugify(text: string): string {\n${fix[1]}}`)
    const events = (await colony(root, ['events', '--json', '--task', '2'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> })
    expect(events.filter((event) => event.type === 'task-integrating').map((event) => event.data)).toContainEqual({ from: 'awaiting_approval', actor: 'api', approved: 'merge' })
    await until('the merged change in the drawer', async () => (await text(`${drawer} [data-source]`)).startsWith('Merged as '))
    expect(await page.$(`${drawer} button.approve`)).toBeNull()
    await shot('5-drawer-merged.png', drawer)

    waitingFor = 'the run to end'
    expect(await run.exited, run.output()).toBe(0)
    expect(problems).toEqual([])
  }, 240_000)
})
