import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cliEntry, colony, createTempRepository } from './support/cli.ts'

describe('colony models and colony scripted-model', () => {
  let repo: { root: string; dispose(): Promise<void> }
  beforeEach(async () => {
    repo = await createTempRepository({
      'README.md': '# sample\n',
      'colony.json': JSON.stringify({
        models: { default: 'anthropic:claude-sonnet-4-5', judge: 'local:qwen3' },
        providers: { local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', apiKey: 'env:LOCAL_KEY' } },
      }),
    })
  })
  afterEach(() => repo.dispose())

  it('lists role → model and whether each key is present, without printing any key', async () => {
    const secret = 'sk-ant-api03-do-not-print-me-0123456789'
    const listed = await colony(repo.root, ['models', '--json', '--worker-model', 'openai:gpt-5'], { ANTHROPIC_API_KEY: secret, LOCAL_KEY: '', OPENAI_API_KEY: '' })
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { role: 'planner', model: 'anthropic:claude-sonnet-4-5', keyVariable: 'ANTHROPIC_API_KEY', keyPresent: true, price: { input: 3, output: 15 } },
      { role: 'worker', model: 'openai:gpt-5', keyVariable: 'OPENAI_API_KEY', keyPresent: false },
      { role: 'judge', model: 'local:qwen3', type: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', keyVariable: 'LOCAL_KEY', keyPresent: false, price: null },
    ])
    const table = await colony(repo.root, ['models', '--model', 'anthropic:claude-haiku-4-5'], { ANTHROPIC_API_KEY: secret })
    expect(table.stdout).toMatch(/planner\s+anthropic:claude-haiku-4-5\s+anthropic\s+ANTHROPIC_API_KEY set/)
    expect(listed.stdout + table.stdout + table.stderr).not.toContain(secret)
    const bad = await colony(repo.root, ['models', '--model', 'gpt-5'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--model "gpt-5" is not provider:model')
  })

  it('reports each agent CLI a worker is: found where, its version, supported or not, and whether it speaks its model\'s provider', async () => {
    await writeFile(join(repo.root, 'colony.json'), JSON.stringify({
      models: { default: 'anthropic:claude-sonnet-4-5' },
      providers: { local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1' } },
      agents: {
        planner: { cli: 'qwen-code', model: 'local:qwen3' },
        worker: [{ cli: 'claude-code', model: 'anthropic:claude-sonnet-4-5' }, { cli: 'codex', model: 'local:qwen3' }, { cli: 'opencode', model: 'local:qwen3', command: '/nonexistent/opencode' }],
      },
    }))
    const listed = await colony(repo.root, ['models', '--json'], { ANTHROPIC_API_KEY: 'sk-ant-x' })
    expect(listed.code, listed.stderr).toBe(0)
    const rows = JSON.parse(listed.stdout) as { role: string; model: string; agent: { cli: string; path: string | null; version: string | null; supported: boolean; speaksProvider: boolean } | null }[]
    expect(rows.map((row) => [row.role, row.agent?.cli ?? null])).toEqual([['judge', null], ['planner', 'qwen-code'], ['worker', 'claude-code'], ['worker', 'codex'], ['worker', 'opencode']])
    expect(rows[1]!.agent).toMatchObject({ version: '0.24.4', supported: true, speaksProvider: true })
    expect(rows[2]!.agent).toMatchObject({ version: '2.1.332', supported: true, speaksProvider: true })
    expect(rows[2]!.agent!.path).toMatch(/claude$/)
    // Codex speaks only the Responses API, not an openai-compatible (chat) provider.
    expect(rows[3]!.agent).toMatchObject({ version: '0.171.0', supported: true, speaksProvider: false })
    expect(rows[4]!.agent).toMatchObject({ path: null, version: null, supported: false })
    const table = await colony(repo.root, ['models'], { ANTHROPIC_API_KEY: 'sk-ant-x' })
    expect(table.stdout).toMatch(/worker\s+claude-code → anthropic:claude-sonnet-4-5/)
    expect(table.stdout).toContain('worker claude-code: Claude Code 2.1.332 at ')
    expect(table.stdout).toContain('planner qwen-code: Qwen Code 0.24.4 at ')
    expect(table.stdout).toContain("worker codex: Codex CLI 0.171.0 at")
    expect(table.stdout).toContain("it cannot talk to this model's provider: give it a model of a provider of type openai")
    expect(table.stdout).toContain('worker opencode: opencode was not found on PATH: npm install -g opencode-ai@1.18.33, or give its path in "command"')
  })

  it('reports a local GGUF model: where the file resolves, whether it and node-llama-cpp are there, at no price', async () => {
    await writeFile(join(repo.root, 'colony.json'), JSON.stringify({
      models: { default: 'local:tiny', judge: 'gone:tiny' },
      providers: { local: { type: 'llama-cpp', modelPath: 'models/tiny.gguf', contextSize: 16384 }, gone: { type: 'llama-cpp', modelPath: '/nonexistent/x.gguf' } },
    }))
    await mkdir(join(repo.root, 'models'))
    await writeFile(join(repo.root, 'models', 'tiny.gguf'), 'GGUF')
    const listed = await colony(repo.root, ['models', '--json'])
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { role: 'planner', model: 'local:tiny', type: 'llama-cpp', keyVariable: null, keyPresent: true, price: { input: 0, output: 0, contextWindow: 16384 }, local: { modelPath: join(repo.root, 'models', 'tiny.gguf'), fileFound: true, runtimeInstalled: true } },
      { role: 'worker', model: 'local:tiny' },
      { role: 'judge', model: 'gone:tiny', price: { input: 0, output: 0 }, local: { modelPath: '/nonexistent/x.gguf', fileFound: false } },
    ])
    const table = await colony(repo.root, ['models'])
    expect(table.stdout).toContain(`planner runs ${join(repo.root, 'models', 'tiny.gguf')} in this process: file found, node-llama-cpp installed`)
    expect(table.stdout).toContain('judge runs /nonexistent/x.gguf in this process: the file does not exist')
  })

  it('serves a scenario file as a model that real provider code can call', async () => {
    const scenario = join(repo.root, 'scenario.json')
    await writeFile(scenario, JSON.stringify({ replies: [{ role: 'worker', turn: 1, text: 'hello from the scenario' }] }))
    const child = spawn(process.execPath, [cliEntry, 'scripted-model', '--scenario', scenario], { cwd: repo.root, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const match = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out)
          if (match) resolve(match[1]!)
        })
        child.on('exit', () => reject(new Error(`exited early: ${out}`)))
      })
      const response = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-colony-role': 'worker' }, body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }) })
      const body = (await response.json()) as { choices: { message: { content: string } }[] }
      expect(body.choices[0]!.message.content).toBe('hello from the scenario')
    } finally {
      child.kill('SIGINT')
    }
  })
})
