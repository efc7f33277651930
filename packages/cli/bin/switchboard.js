#!/usr/bin/env node
// The `switchboard` executable. A committed shim, so that npm links it at install time, before the
// TypeScript build has produced dist/ (`npm ci` runs the build in `prepare`, after linking bins).
import '../dist/main.js';
