export { ColonyError, isColonyError, isFatalError, type ErrorKind, type HttpStatus } from './colony-error.ts'
