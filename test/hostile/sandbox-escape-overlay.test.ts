import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { probeBubblewrap } from '../../src/sandbox/index.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url))

/**
 * The adversarial sandbox suite again, with the agent's worktree (and the
 * sibling task's it must not reach) as Colony's overlay workspaces: the suite
 * runs in a user and mount namespace, as `colony run` does, where those
 * overlays are mounted; only bubblewrap mode, since overlays change nothing
 * host mode claims.
 */
describe.runIf(probeBubblewrap().available)('the adversarial sandbox suite on overlay workspaces', () => {
  async function escapeSuite(workspaces: 'overlay' | 'overlay-detached'): Promise<string> {
    const child = spawn('unshare', ['--user', '--map-root-user', '--mount', '--propagation', 'private', '--', process.execPath, vitest, 'run', 'test/hostile/sandbox-escape.test.ts', '-t', 'bubblewrap sandbox', '--reporter=verbose'], {
      cwd: root,
      env: { ...process.env, COLONY_WORKSPACE_NAMESPACE: '1', COLONY_ESCAPE_WORKSPACES: workspaces, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code, output).toBe(0)
    const passed = Number(/Tests\s+(\d+) passed/.exec(output)?.[1] ?? 0)
    expect(passed, output).toBeGreaterThanOrEqual(28)
    expect(output).toContain('makes at least 26 attempts in bubblewrap mode')
    expect(output).not.toMatch(/\bfailed\b/)
    return output
  }

  it('makes every bubblewrap attempt against an overlay worktree, and none escapes', async () => {
    expect(await escapeSuite('overlay')).toMatch(/✓ .*attacks from overlay workspaces: the worktree and its sibling are overlays mounted here/)
  }, 240_000)

  it('makes every attempt again with 64 more workspaces mounted, where each command detaches the others first, and none escapes', async () => {
    expect(await escapeSuite('overlay-detached')).toMatch(/✓ .*attacks from overlay workspaces among many/)
  }, 240_000)
})
