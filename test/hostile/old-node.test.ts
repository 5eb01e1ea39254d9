import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const published = fileURLToPath(new URL('../../bin/colony.js', import.meta.url))
/** Debian's own Node.js (20 on this project's machines), older than Colony needs. */
const systemNode = '/usr/bin/node'
const systemMajor = existsSync(systemNode) ? Number(execFileSync(systemNode, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) : undefined

describe('the published entry point on a Node.js that is too old', () => {
  it.skipIf(systemMajor === undefined || systemMajor >= 22)(`says which Node.js is needed and how to get it (${systemNode} is Node ${systemMajor})`, () => {
    const result = spawnSync(systemNode, [published, 'status'], { encoding: 'utf8' })
    expect(result.stderr).toContain('is too old; Colony needs Node.js 22.13 or newer')
    expect(result.stderr).toContain('  fix: install Node.js 24')
    expect(result.stderr).not.toMatch(/^\s+at /m)
    expect(result.status).toBe(1)
  })
})
