export { createApp, type ServerOptions } from './app.ts'
export { listen, type Listening } from './listen.ts'
export { maxBodyBytes, maxEventLimit } from './request-schemas.ts'
