/// <reference lib="dom" />
// The callbacks given to page.$eval run in the browser, on DOM elements.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, ElementHandle, Page } from 'puppeteer-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../src/store/index.ts'
import { colony, createTempRepository } from './support/cli.ts'
import { chromiumPath, launchChromium, openDashboard, startDashboard, waitUntil } from './support/dashboard.ts'

describe.skipIf(!chromiumPath && !process.env.CI)("the dashboard's memory panel in a browser", () => {
  let repo: { root: string; dispose(): Promise<void> }
  let browser: Browser | undefined
  let store: Store
  beforeEach(async () => {
    repo = await createTempRepository()
    await colony(repo.root, ['init'])
    await colony(repo.root, ['task', 'add', 'Parse dates', '--accept', 'npm test'])
    store = await openStore(join(repo.root, '.colony', 'colony.db'))
  })
  afterEach(async () => {
    await browser?.close()
    await store.close()
    await repo.dispose()
  })

  it('adds a standing instruction, finds it by other words, shows what went stale, and forgets', async () => {
    const agent = await store.createAgent({ runId: 1, role: 'worker', taskId: 1 })
    const note = await store.addMemory({ kind: 'note', role: 'worker', runId: 1, taskId: 1, agentId: agent.id, commit: 'a1b2c3d4e5f60718293a', text: 'parseDate keeps the offset of its input', files: ['src/dates/parse.ts'] })
    await store.markMemoriesStale({ files: ['src/dates/parse.ts'], commit: 'f00dfeedbeef00112233' })

    const dashboard = await startDashboard(repo.root)
    try {
      browser = await launchChromium()
      const { page, problems } = await openDashboard(browser, dashboard, { viewport: { width: 1280, height: 1400 } })

      // The worker's note, with who wrote it where, and what changed under it since.
      const noteItem = `[data-testid=memory-${note.id}]`
      await waitUntil(page, async () => (await page.$(noteItem)) !== null, "the worker's note")
      const noteText = await textOf(page, noteItem)
      expect(noteText).toContain('parseDate keeps the offset of its input')
      expect(noteText).toMatch(new RegExp(`worker \\(agent ${agent.id}\\) · task 1 · run 1 · .* · at a1b2c3d4e5`))
      expect(noteText).toContain('src/dates/parse.ts')
      expect(await textOf(page, `${noteItem} .badge.stale`)).toBe('stale')
      expect(await textOf(page, `${noteItem} .stale-notice`)).toContain('src/dates/parse.ts changed at f00dfeedbe')

      // A person's standing instruction, as the panel's form adds it.
      await page.type('input[aria-label="standing instruction"]', 'The date configuration lives in config/dates.json')
      await page.type('input[aria-label="instruction files"]', 'config/dates.json')
      await clickButton(page, 'Remember')
      await waitUntil(page, async () => (await store.listMemories({ standing: true })).length === 1, `the instruction in the store (page errors: ${problems.join('; ')})`)
      const [instruction] = await store.listMemories({ standing: true })
      expect(instruction).toMatchObject({ kind: 'steer', role: 'person', author: 'api', files: ['config/dates.json'] })
      const instructionItem = `[data-testid=memory-${instruction!.id}]`
      await waitUntil(page, async () => (await page.$(instructionItem)) !== null, 'the instruction in the panel')
      expect(await textOf(page, instructionItem)).toContain('standing instruction')
      expect(await textOf(page, instructionItem)).toContain('person api')
      expect(await page.$eval('input[aria-label="standing instruction"]', (element) => element.value)).toBe('')

      // The store stems words: "configured" finds "configuration", and the note no longer shows.
      await page.type('input[aria-label="search memory"]', 'configured')
      await waitUntil(page, async () => (await page.$(noteItem)) === null, 'the search to leave out the note')
      expect(await page.$(instructionItem)).not.toBeNull()
      expect(await textOf(page, '[aria-label=memory] h2')).toContain('1 matching, best first')
      await clearInput(page, 'input[aria-label="search memory"]')
      await waitUntil(page, async () => (await page.$(noteItem)) !== null, 'every memory once the search is cleared')

      await page.select('select[aria-label="memory kind"]', 'note')
      await waitUntil(page, async () => (await page.$(instructionItem)) === null, 'only notes')
      await page.select('select[aria-label="memory kind"]', '')
      await waitUntil(page, async () => (await page.$(instructionItem)) !== null, 'every kind again')

      const screenshots = await mkdtemp(join(tmpdir(), 'colony-dashboard-'))
      await (await page.$('[aria-label=memory]'))!.screenshot({ path: join(screenshots, 'memory-panel.png') })

      page.once('dialog', (dialog) => void dialog.accept())
      await clickButton(page, 'Forget', await page.$(noteItem))
      await waitUntil(page, async () => (await page.$(noteItem)) === null, 'the forgotten note to leave the panel')
      expect((await store.getMemory(note.id)).forgotten).toMatchObject({ by: 'api' })
      expect((await store.listEvents({ types: ['memory-forgotten'] })).map((event) => event.data)).toEqual([{ memory: note.id, actor: 'api' }])
      expect(problems).toEqual([])
    } finally {
      await dashboard.stop()
    }
  }, 90_000)
})

async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (element) => element.textContent ?? '')
}

async function clearInput(page: Page, selector: string) {
  await page.click(selector, { count: 3 })
  await page.keyboard.press('Backspace')
}

async function clickButton(page: Page, label: string, within?: ElementHandle | null) {
  for (const button of await (within ?? page).$$('button')) {
    if ((await button.evaluate((element) => element.textContent)) === label) return button.click()
  }
  throw new Error(`no button "${label}"`)
}
