// Injected by scripts/build.mjs: `import.meta.url` in src/ becomes the bundle file's own URL.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
