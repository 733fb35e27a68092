#!/usr/bin/env node
// Thin launcher: everything lives in dist/, built by `npm run build`.
import '../dist/bundle/main.js';
