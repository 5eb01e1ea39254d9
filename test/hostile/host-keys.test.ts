import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Script, ScriptedReply } from '../../src/model/scripted/index.ts'
import { colony } from '../support/cli.ts'
import { createRunFixture, startColony, type RunFixture } from '../support/run-fixture.ts'

/** A planted credential: never a real key. */
const plantedKey = 'sk-colony-planted-0123456789abcdefABCDEF'
const plantedToken = 'planted-deploy-token-9f8e7d6c5b4a'

/**
 * What an agent in host mode tries, as one shell line: every environment it
 * can read (its parent's, every process's through /proc, `ps e`), the core
 * limit Colony runs under, and a core file of one of its own processes. The
 * findings leave base64-encoded, which redaction cannot recognise.
 */
const probe = [
  `echo "environments:$( ( tr '\\0' '\\n' </proc/$PPID/environ; for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' <"$f"; done; ps e -A -ww -o args ) 2>/dev/null | grep -a -E 'KEY|TOKEN' | sort -u | base64 -w0)"`,
  `echo "core-limit:$(grep 'Max core file size' /proc/$PPID/limits | base64 -w0)"`,
  `d=$(mktemp -d) && cd "$d" && ulimit -c unlimited && { sleep 30 & p=$!; kill -SEGV $p; wait $p; } 2>/dev/null; echo "core-matches:$(cat core* 2>/dev/null | grep -a -c -E 'KEY|TOKEN' | base64 -w0)"; rm -rf "$d"`,
].join('; ')

function decodeFindings(output: string): { environments: string; coreLimit: string; coreMatches: string } {
  const field = (name: string) => Buffer.from(new RegExp(`^${name}:(\\S*)$`, 'm').exec(output)?.[1] ?? '', 'base64').toString('utf8')
  return { environments: field('environments'), coreLimit: field('core-limit'), coreMatches: field('core-matches') }
}

function expectNoKey(text: string): void {
  for (const secret of [plantedKey, plantedToken]) {
    expect(text).not.toContain(secret)
    expect(text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 24))
  }
}

describe('host mode: no process an agent can inspect holds a key', () => {
  const fixtures: RunFixture[] = []
  afterAll(async () => {
    for (const fixture of fixtures) await fixture.dispose()
  })

  it('the probe finds a key where a process does hold one (the check can fail)', async () => {
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: { ...process.env, OPENAI_API_KEY: plantedKey }, stdio: 'ignore' })
    try {
      const found = await new Promise<string>((resolve, reject) => {
        const shell = spawn('bash', ['-c', probe], { stdio: ['ignore', 'pipe', 'ignore'] })
        let output = ''
        shell.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
        shell.on('error', reject)
        shell.on('close', () => resolve(output))
      })
      expect(decodeFindings(found).environments).toContain(`OPENAI_API_KEY=${plantedKey}`)
    } finally {
      holder.kill()
    }
  })

  it('colony sandbox exec in host mode: no environment holds the keys, Colony cannot dump core', async () => {
    const fixture = await createRunFixture(() => ({ text: 'unused' }), { sandbox: { mode: 'host' } })
    fixtures.push(fixture)
    const result = await colony(fixture.root, ['sandbox', 'exec', '--', probe], { OPENAI_API_KEY: plantedKey, DEPLOY_TOKEN: plantedToken })
    expect(result.stderr).toContain('[host sandbox: exit 0')
    const findings = decodeFindings(result.stdout)
    expectNoKey(`${result.stdout}${findings.environments}`)
    expect(findings.coreLimit).toMatch(/Max core file size\s+0\s+0/)
    expect(findings.coreMatches.trim()).toBe('0')
  })

  it('colony sandbox status in host mode says what is not covered and points at processes outside Colony that hold a key', async () => {
    const fixture = await createRunFixture(() => ({ text: 'unused' }), { sandbox: { mode: 'host' } })
    fixtures.push(fixture)
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: { ...process.env, OPENAI_API_KEY: plantedKey }, stdio: 'ignore' })
    try {
      const status = await colony(fixture.root, ['sandbox', 'status'], { OPENAI_API_KEY: plantedKey })
      expect(status.code, status.stderr).toBe(0)
      expect(status.stdout).toContain('not covered here: filesystem, network, process-isolation')
      expect(status.stdout).toContain('read the environment and memory of your other processes')
      expect(status.stdout).toContain("keys: held in Colony's memory only")
      expect(status.stdout).toContain(`pid ${holder.pid} (`)
      expect(status.stdout).toContain('holds OPENAI_API_KEY')
      expectNoKey(status.stdout)
      const json = JSON.parse((await colony(fixture.root, ['sandbox', 'status', '--json'], { OPENAI_API_KEY: plantedKey })).stdout) as { credentialsInColonyEnvironment: boolean; credentialHolders: { pid: number; names: string[] }[] }
      expect(json.credentialsInColonyEnvironment).toBe(false)
      expect(json.credentialHolders).toContainEqual(expect.objectContaining({ pid: holder.pid, names: ['OPENAI_API_KEY'] }))
    } finally {
      holder.kill()
    }
  })

  it('colony run in host mode: the worker reads every environment and finds no key; the key still reaches the provider', async () => {
    let findings: ReturnType<typeof decodeFindings> | undefined
    const script: Script = (request) => {
      const call = (name: string, input: unknown): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 500, output: 50 } })
      if (request.purpose === 'summary') return { text: 'summary' }
      if (request.role === 'planner') {
        if (request.turn > 1 || !JSON.stringify(request.body).includes('This is turn 1 on this plan')) return call('finish', { summary: 'planned' })
        return call('create_tasks', { tasks: [{ title: 'Write NOTES.md', description: 'Write NOTES.md', acceptance: ['test -s NOTES.md'], scope: ['NOTES.md'] }] })
      }
      if (request.role === 'judge') return call('verdict', { decision: 'done', reason: 'the notes are written' })
      if (request.turn === 1) return call('run_command', { command: probe })
      if (request.turn === 2) {
        findings = decodeFindings(request.toolResults.at(-1) ?? '')
        return call('write_file', { path: 'NOTES.md', content: 'notes\n' })
      }
      return call('finish', { summary: 'wrote the notes' })
    }
    const fixture = await createRunFixture(script, { sandbox: { mode: 'host' }, checks: { fast: [], full: [] } })
    fixtures.push(fixture)
    // A provider that cannot work without its key: the run merging proves the key reached it.
    const config = JSON.parse(await readFile(join(fixture.root, 'colony.json'), 'utf8')) as Record<string, unknown>
    config.providers = { scripted: { type: 'openai', api: 'chat', baseURL: fixture.server.url } }
    await writeFile(join(fixture.root, 'colony.json'), JSON.stringify(config))

    const run = startColony(fixture.root, ['run', '--goal', 'Write NOTES.md.'], { OPENAI_API_KEY: plantedKey, DEPLOY_TOKEN: plantedToken })
    const code = await run.exited
    expect(code, run.output()).toBe(0)
    const statuses = await fixture.withStore(async (store) => (await store.listTasks()).map((task) => task.status))
    expect(statuses.length).toBeGreaterThan(0)
    expect(statuses.every((status) => status === 'merged'), statuses.join()).toBe(true)

    expect(findings, 'the worker ran the probe').toBeDefined()
    expectNoKey(findings!.environments)
    expect(findings!.environments).not.toMatch(/OPENAI_API_KEY=/)
    expect(findings!.coreLimit).toMatch(/Max core file size\s+0\s+0/)
    // Nothing the run recorded holds the key, in any encoding the probe used.
    const recorded = await fixture.withStore(async (store) => JSON.stringify(await store.listEvents({})))
    expectNoKey(recorded)
    expectNoKey(run.output())
  })
})
