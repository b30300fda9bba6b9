// @backlex/cli: the `backlex` command. The programmatic API is for tools that embed it.
export { type CliErrorCode, CliErrors } from './errors.js'
export { hintFor } from './hints.js'
export { CONFIG_FILES, findConfig, loadConfig } from './load-config.js'
export { formatError } from './report-error.js'
export { runCli } from './run.js'
