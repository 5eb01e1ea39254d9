import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { colony, git } from './support/cli.ts'

describe('colony demo', () => {
  let base: string | undefined
  afterEach(async () => base && rm(base, { recursive: true, force: true }))

  it('runs the whole system on the sample project, says the agents are scripted, and leaves a repository to inspect', async () => {
    base = await mkdtemp(join(tmpdir(), 'colony-demo-test-'))
    const directory = join(base, 'textkit')
    const demo = await colony(base, ['demo', '--dir', directory])
    expect(demo.code, demo.stderr + demo.stdout.slice(-2_000)).toBe(0)
    expect(demo.stdout).toMatch(/^colony demo: the agents below are SCRIPTED/)
    expect(demo.stdout).toContain('run 1 done: All four utilities are implemented and npm test passes on the target.')
    expect(demo.stdout).toContain('4 of 4 work tasks merged')
    expect(demo.stdout).toContain(`The sample repository is at ${directory}`)
    expect(demo.stdout).toContain('To run the same thing with a real model')
    // What it runs with is said up front.
    expect(demo.stdout).toMatch(/run-configured: planner scripted:demo-agent, worker scripted:demo-agent, judge scripted:demo-agent; 4 workers; sandbox (bubblewrap|host)/)
    // Planner and sub-planner, a conflict resolved, a gate failure fixed, the judge.
    expect(demo.stdout).toMatch(/task-created task 4: New utilities: truncate and titleCase/)
    expect(demo.stdout).toMatch(/merge-conflict task \d/)
    expect(demo.stdout).toMatch(/gate-failed task 3/)
    expect(demo.stdout).toMatch(/verdict: done: /)
    // Tests the plan has not made pass yet are no failure of the run: said once at most, never as a break.
    expect(demo.stdout).not.toMatch(/deep-gate-(failed|report: red)/)
    expect(demo.stdout.match(/deep-gate-report: not green yet/g)?.length ?? 0).toBeLessThanOrEqual(1)
    expect((await git(directory, ['log', '--format=%s', 'colony/main'])).split('\n')).toHaveLength(5)
    expect(await git(directory, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main')
  }, 120_000)

  it('refuses --dir that already exists, and writes nothing into it', async () => {
    base = await mkdtemp(join(tmpdir(), 'colony-demo-test-'))
    const existing = join(base, 'my-project')
    await mkdir(existing)
    await git(existing, ['init', '-q', '-b', 'main'])
    await writeFile(join(existing, 'work.txt'), 'uncommitted work\n')
    const demo = await colony(base, ['demo', '--dir', existing])
    expect(demo.code).toBe(1)
    expect(demo.stderr).toContain(`${existing} already exists; colony demo only creates its sample repository in a new directory`)
    expect(demo.stderr).toContain('fix: give --dir a path that does not exist yet')
    expect(await readdir(existing)).toEqual(['.git', 'work.txt'])
    expect(await git(existing, ['status', '--porcelain'])).toBe('?? work.txt')
  })
})
