/// <reference lib="dom" />
// The callbacks given to page.$eval run in the browser, on DOM elements.
import { join } from 'node:path'
import type { Browser, Page } from 'puppeteer-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore } from '../src/store/index.ts'
import { colony, createTempRepository } from './support/cli.ts'
import { chromiumPath, launchChromium, openDashboard, startDashboard, waitUntil } from './support/dashboard.ts'

describe.skipIf(!chromiumPath && !process.env.CI)('the dashboard\'s run header and controls', () => {
  let repo: { root: string; dispose(): Promise<void> }
  let browser: Browser | undefined
  beforeEach(async () => {
    repo = await createTempRepository()
    await colony(repo.root, ['init'])
  })
  afterEach(async () => {
    await browser?.close()
    await repo.dispose()
  })

  it('counts time from the run\'s start, says when nothing drives it, stops the clock at its end and disables the controls saying why', async () => {
    const dashboard = await startDashboard(repo.root)
    const store = await openStore(join(repo.root, '.colony', 'colony.db'))
    try {
      browser = await launchChromium()
      const { page, problems } = await openDashboard(browser, dashboard)
      const text = (selector: string) => page.$eval(selector, (element) => element.textContent ?? '')
      const elapsed = () => text('[data-testid=elapsed]')

      // Made by init, never started: no time has run.
      await waitUntil(page, async () => (await text('[data-testid=run-status]')) === 'pending', 'the pending run')
      expect(await elapsed()).toBe('not started')

      // Started as `colony run` starts it, and then left with nothing driving it (no `colony run` process recorded).
      const pending = (await store.latestRun())!
      const goaled = await store.updateRun(pending.id, pending.version, { goal: 'Parse dates' }, [{ type: 'run-goal-set', data: { goal: 'Parse dates' } }])
      await store.updateRun(goaled.id, goaled.version, { status: 'running' }, [{ type: 'run-started', data: { from: 'pending', instance: 'test' } }])
      await waitUntil(page, async () => (await text('[data-testid=run-status]')) === 'running', 'the running run')
      await waitUntil(page, async () => /^0 min \d\d s/.test(await elapsed()), 'the clock counting from the start')
      const first = await elapsed()
      await waitUntil(page, async () => (await elapsed()) !== first, 'the clock ticking')
      expect(await text('[data-testid=run-hint]')).toBe('nothing is driving run 1: it is running, but no `colony run` is working on it (the last one was killed or crashed); resume it with `colony run`')
      expect(await page.$('[data-testid=controls-reason]')).toBeNull()

      // The run ends: the clock stands still, the controls are off and say why.
      const running = (await store.latestRun())!
      await store.updateRun(running.id, running.version, { status: 'done', reason: 'all merged' }, [{ type: 'run-done', data: { from: 'running', reason: 'all merged', cycles: 1 } }])
      await waitUntil(page, async () => (await page.$('[data-testid=controls-reason]')) !== null, 'the ended run\'s controls')
      expect(await text('[data-testid=controls-reason]')).toBe('The run is done: there is nothing left to pause, stop or steer. Start another with colony run --goal "…".')
      for (const label of ['Pause', 'Resume', 'Stop', 'Steer']) expect(await buttonDisabled(page, label), label).toBe(true)
      expect(await page.$eval('input[aria-label=steer]', (element) => element.disabled)).toBe(true)
      expect(await page.$('[data-testid=run-hint]')).toBeNull()
      const stopped = await elapsed()
      expect(stopped).toMatch(/^0 min \d\d s of 4 h \(ended\)$/)
      // Several ticks later it says the same.
      await new Promise((resolve) => setTimeout(resolve, 2_500))
      expect(await elapsed()).toBe(stopped)
      expect(problems).toEqual([])
    } finally {
      await store.close()
      await dashboard.stop()
    }
  }, 90_000)
})

async function buttonDisabled(page: Page, label: string): Promise<boolean> {
  for (const button of await page.$$('button')) {
    if ((await button.evaluate((element) => element.textContent)) === label) return button.evaluate((element) => element.disabled)
  }
  throw new Error(`no button "${label}"`)
}
