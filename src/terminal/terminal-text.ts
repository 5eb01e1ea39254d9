/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts
 * cursor moves, screen clears and OSC 52 clipboard writes; BEL rings; CR
 * overwrites the line), DEL, C1 controls (U+009B is a one-byte CSI to many
 * terminals), the line and paragraph separators, and the bidirectional
 * embeddings, overrides and isolates that make text read differently from
 * what it is ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unsafe = /\r\n|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

function visible(character: string, multiline: boolean): string {
  if (character === '\r\n') return multiline ? '\n' : '⏎'
  if (character === '\n') return multiline ? '\n' : '⏎'
  if (character === '\t') return multiline ? '\t' : '\\t'
  if (character === '\r') return '\\r'
  const code = character.charCodeAt(0)
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * Text that came from a model or a person (a task title, a steering message,
 * an event's data, a command line), made safe to print: every character a
 * terminal would act on is shown as an escape instead (`\x1b`, `\x07`, `\x9b`,
 * `\u202e`), so output can neither move the cursor, clear the screen, write
 * the clipboard nor hide what it says. On one line (the default) a line break
 * shows as `⏎` and a tab as `\t`, so a table row stays one row; with
 * `multiline` line breaks (CRLF too) and tabs are kept, for bodies such as a
 * task's description.
 *
 * @example
 *   terminalText('fix \x1b[2J the parser\nnow')  // 'fix \\x1b[2J the parser⏎now'
 *   terminalText('line one\r\nline two', { multiline: true })  // 'line one\nline two'
 */
export function terminalText(text: string, options: { multiline?: boolean } = {}): string {
  const multiline = options.multiline === true
  return text.replace(unsafe, (character) => visible(character, multiline))
}

// JSON.stringify already escapes C0; these it leaves raw.
const unsafeInJson = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * JSON text made safe for a terminal without changing what it parses to:
 * the characters `JSON.stringify` leaves raw that a terminal would act on
 * (DEL, C1 controls, bidi controls, line separators) become `\uXXXX` escapes.
 * They can only occur inside JSON strings, where an escape means the same
 * character.
 *
 * @example
 *   terminalJson(JSON.stringify({ title: 'a\u009b2J' }))  // '{"title":"a\\u009b2J"}'
 */
export function terminalJson(json: string): string {
  return json.replace(unsafeInJson, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
