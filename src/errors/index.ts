export { ColonyError, isColonyError, isFatalError, type ErrorKind } from './colony-error.ts'
