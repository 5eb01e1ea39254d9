/// <reference lib="dom" />
// The callbacks given to page.$eval run in the browser, on DOM elements.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { cliEntry } from './cli.ts'

/** Debian's chromium (.ci/run installs it); undefined where there is none, and the browser tests skip outside CI. */
export const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path))

export interface Dashboard {
  /** Where `colony serve` serves the dashboard, e.g. http://127.0.0.1:41234 (no trailing slash). */
  origin: string
  /** The token the server was started with, for the page and for calls to the API. */
  token: string
  /** What the server has printed so far, stdout and stderr. */
  output(): string
  /** Interrupts the server, as Ctrl-C would, and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Starts `colony serve --port 0` in `root` with COLONY_SERVER_TOKEN set, and
 * resolves once it prints the dashboard's address; rejects, with what it
 * printed, if it exits first or prints no address within 60 s (a busy machine is slow to start Node).
 *
 *   const dashboard = await startDashboard(repo.root)
 *   try { ... } finally { await dashboard.stop() }
 */
export async function startDashboard(root: string, options: { token?: string } = {}): Promise<Dashboard> {
  const token = options.token ?? 'test-token'
  const server = spawn(process.execPath, [cliEntry, 'serve', '--port', '0'], { cwd: root, env: { ...process.env, COLONY_SERVER_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    output += chunk.toString()
  })
  server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT')
    await exited
  }
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address in 60 s: ${output}`)), 60_000)
      server.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`colony serve exited with ${code}: ${output}`))
      })
      server.stdout.on('data', () => {
        const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)
        if (!match) return
        clearTimeout(timer)
        resolve(match[1]!)
      })
    })
    return { origin, token, output: () => output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Launches headless chromium as the browser tests run it. */
export function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error('no chromium at /usr/bin/chromium or /usr/bin/chromium-browser (.ci/run installs it)')
  return puppeteer.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] })
}

/**
 * Opens the dashboard in a new page of `browser`, signed in with its token,
 * sized to `viewport` if given. `problems` collects the page's uncaught
 * errors; a test expects it to stay empty.
 */
export async function openDashboard(browser: Browser, dashboard: Pick<Dashboard, 'origin' | 'token'>, options: { viewport?: { width: number; height: number } } = {}): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage()
  if (options.viewport) await page.setViewport(options.viewport)
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(String(error)))
  await page.goto(`${dashboard.origin}/#token=${dashboard.token}`)
  return { page, problems }
}

/** Polls `condition` every 100 ms for up to 60 s; on timeout the error names `what` and shows the page's text. */
export async function waitUntil(page: Page, condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; page: ${(await page.$eval('body', (element) => element.textContent ?? '')).slice(0, 2_000)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
