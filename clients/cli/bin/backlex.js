#!/usr/bin/env node
// The `backlex` executable. A source file rather than a build output, so that package
// managers can link it before the package is built (as in a fresh clone of the monorepo).
import '../dist/cli.js'
