import { describe, expect, it } from 'vitest'
import { createRedactor, redactValue } from './index.ts'
import { sandboxEnvironment } from '../sandbox/index.ts'

describe('redaction', () => {
  const redact = createRedactor({ ANTHROPIC_API_KEY: 'an-unshaped-secret-value', HOME: '/home/someone', SHORT_TOKEN: 'abc' })

  it('replaces the values of secret variables by name, and common key shapes by their look', () => {
    expect(redact('key is an-unshaped-secret-value here')).toBe('key is [redacted:ANTHROPIC_API_KEY] here')
    expect(redact('sk-proj-abcdefghijklmnopqrstuvwx1234')).toBe('[redacted]')
    expect(redact('token ghp_0123456789abcdefghijklmnopqrstuvwxyz')).toBe('token [redacted]')
    expect(redact('AKIAIOSFODNN7EXAMPLE and AIzaSyA-1234567890abcdefghijklmnopqrstu')).toBe('[redacted] and [redacted]')
    expect(redact('Authorization: Bearer abcdefghijklmnop.qrstuvwxyz')).toBe('Authorization: Bearer [redacted]')
    expect(redact('postgres://colony:hunter22@db.example.com/colony')).toBe('postgres://colony:[redacted]@db.example.com/colony')
    expect(redact('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY-----')).toBe('[redacted]')
  })

  it('leaves ordinary text, short values and non-secret variables alone', () => {
    expect(redact('home is /home/someone; abc; task-12 skipped')).toBe('home is /home/someone; abc; task-12 skipped')
  })

  it('redacts every string inside a structured value', () => {
    expect(redactValue({ output: ['x an-unshaped-secret-value'], exitCode: 1 }, redact)).toEqual({ output: ['x [redacted:ANTHROPIC_API_KEY]'], exitCode: 1 })
  })
})

describe('sandbox environment', () => {
  it('keeps an allow-list, drops secrets and SSH_AUTH_SOCK, and admits extra names only when listed', () => {
    const environment = sandboxEnvironment(
      { PATH: '/usr/bin', HOME: '/home/a', LANG: 'C', LC_ALL: 'C', OPENAI_API_KEY: 'k', SSH_AUTH_SOCK: '/s', NODE_OPTIONS: '--x', MY_TOKEN: 't', AWS_PROFILE: 'p' },
      ['NODE_OPTIONS', 'MY_TOKEN', 'SSH_AUTH_SOCK'],
    )
    expect(environment).toEqual({ PATH: '/usr/bin', HOME: '/home/a', LANG: 'C', LC_ALL: 'C', NODE_OPTIONS: '--x', MY_TOKEN: 't', TMPDIR: '/tmp' })
  })
})
