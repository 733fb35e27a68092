// Injected by scripts/build.mjs: `import.meta.url` in src/ becomes `importMetaUrl.href`, the bundle
// file's own URL, worked out when first read (pathToFileURL costs every call time at start-up,
// and a forwarded command as root never reads it).
let href;
export const importMetaUrl = {
  get href() {
    return (href ??= require('node:url').pathToFileURL(__filename).href);
  },
};
