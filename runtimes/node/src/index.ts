// @backlex/node: the Node.js preset. `serve(config)` runs a backlex server on node:http.
export {
  DEFAULT_SQLITE_FILE,
  defaultDatabase,
  type NodeDefaultsOptions,
  nodeRuntime,
  providesDatabase,
  withNodeDefaults,
} from './defaults.js'
export { type NodeErrorCode, NodeErrors } from './errors.js'
export { formatRequestLine, type RequestLogEntry } from './request-log.js'
export { type NodeServer, type ServeOptions, serve } from './serve.js'
