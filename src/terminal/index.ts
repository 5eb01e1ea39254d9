export { terminalJson, terminalText } from './terminal-text.ts'
