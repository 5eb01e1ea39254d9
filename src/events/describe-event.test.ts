import { describe, expect, it } from 'vitest'
import { describeEvent, newEvent } from './index.ts'

describe('describeEvent', () => {
  it('reads each type\'s own keys', () => {
    expect(describeEvent(newEvent('verdict', { cycle: 2, decision: 'continue', reason: 'the parser has no tests' }))).toBe('continue: the parser has no tests')
    expect(describeEvent(newEvent('tool-call', { tool: 'run_command', input: { command: 'npm test\n# twice' }, ok: false, output: '\nFAIL src/a.test.ts\n...' }))).toBe(
      'run_command npm test · failed: FAIL src/a.test.ts',
    )
    expect(describeEvent(newEvent('tool-call', { tool: 'Write', input: { file_path: 'src/a.ts', content: 'x' }, ok: true, output: 'ok' }))).toBe('Write src/a.ts')
    expect(describeEvent(newEvent('tool-call', { tool: 'exec_command', input: { cmd: 'npm test' }, ok: true, output: '' }))).toBe('exec_command npm test')
    expect(describeEvent(newEvent('tool-call', { tool: 'search', input: { pattern: 'slugify(' }, ok: true, output: '' }))).toBe('search slugify(')
    expect(describeEvent(newEvent('tool-call', { tool: 'finish', input: { summary: `${'a'.repeat(200)}\nmore` }, ok: true, output: '' }))).toBe(`finish ${'a'.repeat(119)}…`)
    expect(describeEvent(newEvent('task-merged', { from: 'integrating', owner: 'worker-3', commit: '0123456789abcdef' }))).toBe('by worker-3 · commit 0123456789')
    expect(describeEvent(newEvent('task-claimed', { owner: 'worker-1', attempt: 2, leaseUntil: 1 }))).toBe('by worker-1, attempt 2')
    expect(describeEvent(newEvent('merge-conflict', { files: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }))).toBe('a, b, c, d, e and 2 more')
    expect(describeEvent(newEvent('task-attempt-failed', { owner: null, attempt: 3, maxAttempts: 3, reason: 'gate failed', next: 'failed' }))).toBe(
      'attempt 3 of 3: gate failed · no attempts left',
    )
  })

  it('reads a deep gate report that is red only as it was when the run started as work not yet landed, not a break', () => {
    const check = (command: string, status: string) => ({ command, status, culprits: [] })
    expect(describeEvent(newEvent('deep-gate-report', { tip: 'a', status: 'red', summary: '1 of 1 checks fail: npm test (red-from-start)', checks: [check('npm test', 'red-from-start')], culprits: [] }))).toBe(
      'not green yet · npm test still failing as when the run started (no merge broke it)',
    )
    const broken = newEvent('deep-gate-report', { tip: 'a', status: 'red', summary: '2 of 2 checks fail: lint (still-red), npm test (red-from-start)', checks: [check('lint', 'still-red'), check('npm test', 'red-from-start')], culprits: [] })
    expect(describeEvent(broken)).toBe('red · 2 of 2 checks fail: lint (still-red), npm test (red-from-start)')
  })

  it('shows a row an older Colony wrote, which does not fit today\'s shape, as its raw data', () => {
    const old = { type: 'agent-step', data: { step: 4 } } as unknown as Parameters<typeof describeEvent>[0]
    expect(describeEvent(old)).toBe('{"step":4}')
  })
})
