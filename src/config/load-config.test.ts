import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, defaultConfig, loadConfig, parseConfig, starterConfigText } from './index.ts'

describe('colony.json', () => {
  it('fills every default from an empty object, and the starter parses', () => {
    expect(parseConfig('{}')).toEqual(defaultConfig)
    expect(defaultConfig).toMatchObject({ workers: 4, target: 'colony/main', limits: { maxAttempts: 3 }, approval: { plan: false, merge: false } })
    expect(parseConfig(starterConfigText({ target: 'agents' })).target).toBe('agents')
  })

  it('accepts the DESIGN.md example', () => {
    const config = parseConfig(JSON.stringify({
      models: { default: 'anthropic:claude-sonnet-4-5', planner: 'openai:gpt-5.2', judge: 'openai:gpt-5.2' },
      providers: { local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', apiKey: 'env:LOCAL_KEY' } },
      workers: 8,
      target: 'colony/main',
      checks: { fast: ['npm run -s typecheck'], full: ['npm test'] },
      budget: { usd: 50, hours: 12 },
      approval: { plan: false, merge: false },
      workspace: { setup: ['npm ci --prefer-offline'], link: ['node_modules'], copy: ['.env'] },
    }))
    expect(config.providers.local?.baseURL).toBe('http://127.0.0.1:8000/v1')
  })

  it('names the field and the fix for each problem', () => {
    const attempt = () => parseConfig(JSON.stringify({ workers: 'many', models: { planner: 'gpt5' }, modles: {} }))
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(/models.planner: expected "provider:model"/)
    expect(attempt).toThrow(/workers: expected a whole number of workers/)
    expect(attempt).toThrow(/unknown key "modles"/)
    expect(() => parseConfig('{"providers": {"x": {"type": "openai-compatible", "baseURL": "http://h/v1", "apiKey": "sk-123"}}}')).toThrow(
      /providers.x.apiKey: write "env:NAME"/,
    )
    expect(() => parseConfig('{ "workers": 4, }')).toThrow(/not valid JSON.*line 1/)
  })

  it('reads the file at the repository root; a missing file means the defaults', async () => {
    const root = await mkdtemp(join(tmpdir(), 'colony-config-'))
    try {
      expect(await loadConfig(root)).toEqual(defaultConfig)
      await writeFile(join(root, 'colony.json'), '{"workers": 2}')
      expect((await loadConfig(root)).workers).toBe(2)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
