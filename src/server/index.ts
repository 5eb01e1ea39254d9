export { createApp, type AppType, type ServerOptions } from './app.ts'
export type { ErrorBody } from './error-response.ts'
export { listen, type Listening } from './listen.ts'
export { maxBodyBytes, maxEventLimit } from './request-schemas.ts'
