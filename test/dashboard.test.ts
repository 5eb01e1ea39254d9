/// <reference lib="dom" />
// The callbacks given to page.$eval run in the browser, on DOM elements.
import { join } from 'node:path'
import type { Browser, Page } from 'puppeteer-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore } from '../src/store/index.ts'
import { colony, createTempRepository } from './support/cli.ts'
import { chromiumPath, launchChromium, openDashboard, startDashboard, waitUntil } from './support/dashboard.ts'

describe.skipIf(!chromiumPath && !process.env.CI)('the dashboard in a browser', () => {
  let repo: { root: string; dispose(): Promise<void> }
  let browser: Browser | undefined
  beforeEach(async () => {
    repo = await createTempRepository()
    await colony(repo.root, ['init'])
    await colony(repo.root, ['task', 'add', 'Parse dates', '--accept', 'npm test'])
    await colony(repo.root, ['task', 'add', 'Format numbers', '--accept', 'npm test'])
  })
  afterEach(async () => {
    await browser?.close()
    await repo.dispose()
  })

  it('shows the run and its board live, and its buttons act on the run as the CLI would', async () => {
    const dashboard = await startDashboard(repo.root)
    try {
      browser = await launchChromium()
      const { page, problems } = await openDashboard(browser, dashboard)

      const runStatus = () => page.$eval('[data-testid=run-status]', (element) => element.textContent)
      await waitUntil(page, async () => (await runStatus()) === 'pending', 'the run status')
      expect(page.url()).not.toContain('test-token')
      const board = () => page.$eval('[aria-label=tasks]', (element) => element.textContent ?? '')
      expect(await board()).toContain('Parse dates')
      expect(await board()).toContain('Format numbers')

      // The run starts, as `colony run` would start it: a run that never started has nothing to pause.
      const starter = await openStore(join(repo.root, '.colony', 'colony.db'))
      try {
        const pending = (await starter.latestRun())!
        await starter.updateRun(pending.id, pending.version, { status: 'running' }, [{ type: 'run-started', data: { from: 'pending', instance: 'test' } }])
      } finally {
        await starter.close()
      }
      await waitUntil(page, async () => (await runStatus()) === 'running', 'the running run')
      await clickButton(page, 'Pause')
      await waitUntil(page, async () => (await runStatus()) === 'paused', 'the paused run')
      expect(JSON.parse((await colony(repo.root, ['status', '--json'])).stdout)).toMatchObject({ run: { status: 'paused' } })

      await page.type('input[aria-label=steer]', 'Keep the public API unchanged')
      await clickButton(page, 'Steer')
      const feed = () => page.$eval('[aria-label=events]', (element) => element.textContent ?? '')
      await waitUntil(page, async () => (await feed()).includes('Keep the public API unchanged'), 'the steering event in the feed')

      // Another process changes the board: it shows up without a reload.
      await colony(repo.root, ['task', 'add', 'Live task'])
      await waitUntil(page, async () => (await board()).includes('Live task'), 'a task added from the CLI')

      page.once('dialog', (dialog) => void dialog.accept('not needed'))
      const card = await page.$('[data-testid=task-1]')
      const cancel = await card!.$$('button')
      for (const button of cancel) if ((await button.evaluate((element) => element.textContent)) === 'Cancel') await button.click()
      await waitUntil(page, async () => (await page.$eval('[data-testid=task-1]', (element) => element.className)).includes('status-cancelled'), 'task 1 cancelled')
      const events = (await colony(repo.root, ['events', '--json', '--task', '1'])).stdout
      expect(events).toMatch(/"type":"task-cancelled".*"actor":"api"/)

      // A task's details: its contract and its history, the cancellation with its reason included.
      for (const link of await page.$$('button.link.id')) if ((await link.evaluate((element) => element.textContent)) === '#1') await link.click()
      await waitUntil(page, async () => (await page.$eval('aside[aria-label="task 1"]', (element) => element.textContent ?? '')).includes('task-cancelled'), 'task 1 details')
      const details = await page.$eval('aside[aria-label="task 1"]', (element) => element.textContent ?? '')
      expect(details).toContain('acceptance: npm test')
      expect(details).toContain('not needed')

      await clickButton(page, 'Close')

      // A command an agent wants to run waits for a person (sandbox.approve): it shows, and Approve decides it.
      const store = await openStore(join(repo.root, '.colony', 'colony.db'))
      try {
        await store.requestApproval({ runId: 1, kind: 'command', subject: 'npm publish', detail: { rule: 'npm publish' } }, [{ type: 'command-approval-requested', data: { command: 'npm publish' } }])
        await waitUntil(page, async () => (await page.$('[data-testid=command-1]')) !== null, 'the waiting command')
        const command = await page.$('[data-testid=command-1]')
        for (const button of await command!.$$('button')) if ((await button.evaluate((element) => element.textContent)) === 'Approve') await button.click()
        await waitUntil(page, async () => (await store.getApproval(1)).status === 'approved', `the command approved (page errors: ${problems.join('; ')})`)
        expect(await store.getApproval(1)).toMatchObject({ status: 'approved', decidedBy: 'api' })
        await waitUntil(page, async () => (await page.$('[data-testid=command-1]')) === null, 'the decided command to leave the page')
      } finally {
        await store.close()
      }
      expect(problems).toEqual([])
    } finally {
      await dashboard.stop()
    }
  }, 90_000)
})

async function clickButton(page: Page, label: string) {
  for (const button of await page.$$('button')) {
    if ((await button.evaluate((element) => element.textContent)) === label) return button.click()
  }
  throw new Error(`no button "${label}"`)
}
