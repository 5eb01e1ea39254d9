export { createRedactor, redactSecrets, redactValue, type Redactor } from './redact.ts'
export { isSecretName } from './secret-names.ts'
