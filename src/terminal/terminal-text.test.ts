import { describe, expect, it } from 'vitest'
import { terminalJson, terminalText } from './terminal-text.ts'

// Anything a terminal would act on, as raw characters.
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const raw = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

describe('terminalText', () => {
  it.each([
    ['a screen clear', 'a\x1b[2Jb', 'a\\x1b[2Jb'],
    ['a bell', 'ding\x07', 'ding\\x07'],
    ['an OSC 52 clipboard write', '\x1b]52;c;cm0gLXJmIH4=\x07', '\\x1b]52;c;cm0gLXJmIH4=\\x07'],
    ['a cursor move', 'x\x1b[10;1Hy', 'x\\x1b[10;1Hy'],
    ['a one-byte CSI (C1)', 'x\u009b2Jy', 'x\\x9b2Jy'],
    ['DEL', 'x\x7fy', 'x\\x7fy'],
    ['NUL', 'x\x00y', 'x\\x00y'],
    ['a carriage return that would overwrite the line', 'safe\rEVIL', 'safe\\rEVIL'],
    ['a right-to-left override', 'user\u202egnp.exe', 'user\\u202egnp.exe'],
    ['an isolate', 'a\u2066b\u2069c', 'a\\u2066b\\u2069c'],
    ['a line separator', 'a\u2028b', 'a\\u2028b'],
    ['a newline on one line', 'first\nsecond', 'first⏎second'],
    ['a CRLF on one line', 'first\r\nsecond', 'first⏎second'],
    ['a tab on one line', 'a\tb', 'a\\tb'],
  ])('shows %s visibly', (_what, input, shown) => {
    expect(terminalText(input)).toBe(shown)
    expect(terminalText(input)).not.toMatch(raw)
    expect(terminalText(input)).not.toContain('\t')
  })

  it('leaves ordinary text alone, including non-Latin scripts and emoji', () => {
    for (const text of ['Parse ISO dates (src/date/**)', 'Grüße, 日本語, עברית, 🚀', 'a "quoted" \\ backslash']) expect(terminalText(text)).toBe(text)
  })

  it('keeps line breaks and tabs in multi-line bodies, and still escapes the rest', () => {
    expect(terminalText('one\r\n\ttwo\x1b[2J\nthree\rx', { multiline: true })).toBe('one\n\ttwo\\x1b[2J\nthree\\rx')
  })
})

describe('terminalJson', () => {
  it('escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { title: 'a\u009b2J\u202e\x7f\u2028b', plain: 'ok\x1b' }
    const json = terminalJson(JSON.stringify(value))
    expect(json).not.toMatch(raw)
    expect(json).toContain('\\u009b2J\\u202e\\u007f\\u2028b')
    expect(JSON.parse(json)).toEqual(value)
  })
})
