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

  it('takes a target that is a short branch name git accepts, and says how to fix the others', () => {
    expect(parseConfig('{"target": "agents/main"}').target).toBe('agents/main')
    expect(() => parseConfig('{"target": "refs/heads/agents"}')).toThrow(/target: "refs\/heads\/agents" is a full ref name.*drop the "refs\/heads\/" prefix: "agents"/)
    expect(() => parseConfig(JSON.stringify({ target: 'a'.repeat(201) }))).toThrow(/target: the branch name .* is 201 characters long; at most 200/)
    for (const bad of ['', 'HEAD', '@', '-x', 'a b', 'a..b', 'a/', '/a', 'a//b', 'x.lock', 'a/.b', 'a.', 'a~1', 'a:b', 'a@{1}', 'a\u0007']) {
      expect(() => parseConfig(JSON.stringify({ target: bad })), JSON.stringify(bad)).toThrow(/target: .* not a valid branch name/)
    }
  })

  it('keeps workspace.link and workspace.copy inside the repository, naming the key', () => {
    expect(parseConfig('{"workspace": {"link": ["node_modules", "**/node_modules", ".venv"], "copy": [".env"]}}').workspace.link).toHaveLength(3)
    expect(() => parseConfig('{"workspace": {"link": ["../../etc"]}}')).toThrow(/workspace.link\[0\]: "..\/..\/etc" leads out of the repository/)
    expect(() => parseConfig('{"workspace": {"link": ["/etc"]}}')).toThrow(/workspace.link\[0\]: "\/etc" is an absolute path/)
    expect(() => parseConfig('{"workspace": {"link": ["node_modules", ".git/hooks"]}}')).toThrow(/workspace.link\[1\]: ".git\/hooks" leads into git's own files/)
    expect(() => parseConfig('{"workspace": {"copy": ["~/.aws/credentials"]}}')).toThrow(/workspace.copy\[0\]: .* is in the home directory/)
    expect(() => parseConfig('{"workspace": {"copy": [".colony/colony.db"]}}')).toThrow(/workspace.copy\[0\]: .* Colony's own state/)
    expect(() => parseConfig('{"workspace": {"link": ["."]}}')).toThrow(/workspace.link\[0\]: "." is the repository itself/)
  })

  it('says which key an unknown one was probably meant to be, at any depth', () => {
    expect(() => parseConfig('{"chekcs": {"full": ["npm test"]}}')).toThrow('colony.json: (top level): unknown key "chekcs"; did you mean "checks"?')
    expect(() => parseConfig('{"limits": {"maxAtempts": 5}}')).toThrow('colony.json: limits: unknown key "maxAtempts"; did you mean "maxAttempts"?')
    expect(() => parseConfig('{"Workers": 2}')).toThrow('unknown key "Workers"; did you mean "workers"?')
    expect(() => parseConfig('{"providers": {"local": {"type": "openai-compatible", "baseUrl": "http://h/v1"}}}')).toThrow(/providers.local: unknown key "baseUrl"; did you mean "baseURL"\?/)
    expect(() => parseConfig('{"agents": {"worker": [{"cli": "codex", "model": "openai:gpt-5.2", "stalMinutes": 5}]}}')).toThrow(/agents.worker\[0\]: unknown key "stalMinutes"; did you mean "stallMinutes"\?/)
    expect(() => parseConfig('{"notify": {"webhok": "https://h/x"}}')).toThrow(/notify: unknown key "webhok"; did you mean "webhook"\?/)
    // Nothing close: the keys there are, when they are few.
    expect(() => parseConfig('{"checks": {"deep": []}}')).toThrow('checks: unknown key "deep"; expected one of "fast", "full"')
    expect(() => parseConfig('{"checks": {"fsat": [], "zzz": []}}')).toThrow('checks: unknown keys "fsat" (did you mean "fast"?), "zzz"')
    expect(() => parseConfig('{"banana": 1}')).toThrow(/unknown key "banana"$/m)
  })

  it('takes notify with secrets from the environment only', () => {
    const config = parseConfig(JSON.stringify({ notify: { webhook: 'https://hooks.example.com/${HOOK_PATH}', headers: { Authorization: 'Bearer ${HOOK_TOKEN}', 'X-Team': 'core' } } }))
    expect(config.notify).toEqual({ webhook: 'https://hooks.example.com/${HOOK_PATH}', headers: { Authorization: 'Bearer ${HOOK_TOKEN}', 'X-Team': 'core' }, desktop: false, events: ['needs-you', 'run-ended', 'budget'] })
    expect(defaultConfig.notify).toBeUndefined()
    expect(() => parseConfig('{"notify": {"webhook": "https://h/x", "headers": {"Authorization": "Bearer abc123"}}}')).toThrow(/notify.headers.Authorization: put the secret in an environment variable and write "\$\{NAME\}"/)
    expect(() => parseConfig('{"notify": {"webhook": "ftp://h/x"}}')).toThrow(/notify.webhook: expected an http:\/\/ or https:\/\/ address/)
    expect(() => parseConfig('{"notify": {"events": ["needs-you", "merged"]}}')).toThrow(/notify.events\[1\]: expected one of "needs-you", "run-ended", "budget"/)
  })

  it('says a file that is not one object must be one', () => {
    expect(() => parseConfig('[1, 2]')).toThrow(/colony.json: \(top level\): the file must hold one JSON object/)
    expect(() => parseConfig('null')).toThrow(/the file must hold one JSON object/)
    expect(() => parseConfig('{"checks": {"fast": "npm test"}}')).toThrow(/checks.fast: expected array, received string/)
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
