// The two bundles of dist/bundle/ (used by scripts/build.mjs):
//   ejctl.cjs       the entry (src/main.ts) and every module it imports statically: what a
//                   forwarded command (`ejctl status`) runs. Its code cache is what every call
//                   deserialises, so it holds nothing else (docs/performance.md).
//   ejctl-rest.cjs  every module reached only through an import() (ejctl's own commands, help,
//                   --json, the erl transport...), loaded by bin/ejctl.js on the first import().
// One program, one instance of each module: a module of the rest that imports one of the core
// (errors.ts, settings...) gets the core's instance, so classes (`instanceof EjctlError`) and
// module state are shared. How:
//   - in the core, each import() of a rest module becomes a small CommonJS module that asks the
//     rest for it (LOADER, bundled in the core): `require('ejctl:rest')` is answered by
//     bin/ejctl.js, which runs ejctl-rest.cjs once, with its own code cache;
//   - the rest exports a function that takes the core's modules and returns its own, each
//     initialised when first required (as esbuild initialises a lazily imported module);
//   - in the rest, each import of a core module becomes a CommonJS module that returns the
//     core's instance, handed over by that function (HOLDER).
// Three esbuild runs: the core as a first draft (which modules it has), the rest (which core
// modules it uses), the core again (handing over exactly those).
import { build } from 'esbuild';
import { relative } from 'node:path';

const LOADER = 'ejctl-lazy-loader';
const HOLDER = 'ejctl-rest-holder';

/** esbuild's resolution of an import, through the other plugins but not this one again. */
async function resolveReal(b, args) {
  if (args.pluginData?.real) return undefined;
  const r = await b.resolve(args.path, {
    kind: args.kind,
    importer: args.importer,
    resolveDir: args.resolveDir,
    pluginData: { real: true },
  });
  return r.errors.length > 0 || r.external ? undefined : r.path;
}

/** The src/ modules (and the injected importMetaUrl) an esbuild run put in its output. */
function modulesOf(result, root) {
  const out = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.cjs'))[1];
  return new Set(
    Object.keys(out.inputs)
      .filter((p) => !p.includes(':'))
      .map((p) => relative(root, `${root}/${p}`)),
  );
}

/** The core: `exposed` are the core modules the rest imports; `inCore` known from a draft. */
function coreBuild(common, root, { inCore, exposed }) {
  const targets = new Set();
  const plugin = {
    name: 'ejctl-core',
    setup(b) {
      b.onResolve({ filter: /^ejctl:rest$/ }, () => ({ path: 'ejctl:rest', external: true }));
      b.onResolve({ filter: new RegExp(`^${LOADER}$`) }, () => ({ path: LOADER, namespace: 'ejctl' }));
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const real = await resolveReal(b, args);
        const rel = real && relative(root, real);
        if (rel === undefined || inCore?.has(rel)) return undefined;
        targets.add(rel);
        return { path: rel, namespace: 'ejctl-rest' };
      });
      b.onLoad({ filter: /.*/, namespace: 'ejctl-rest' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(LOADER)})(${JSON.stringify(args.path)});`,
        resolveDir: root,
        loader: 'js',
      }));
      b.onLoad({ filter: /.*/, namespace: 'ejctl' }, () => ({
        contents: [
          'let rest;',
          'const core = {',
          ...[...exposed].sort().map((m) => `  ${JSON.stringify(m)}: () => require(${JSON.stringify(`./${m}`)}),`),
          '};',
          "module.exports = (name) => (rest ??= require('ejctl:rest')((m) => core[m]()))[name]();",
        ].join('\n'),
        resolveDir: root,
        loader: 'js',
      }));
    },
  };
  return build({ ...common, entryPoints: ['src/main.ts'], plugins: [plugin] }).then((result) => ({ result, targets }));
}

/** The rest: the core's import() targets, with every import of a core module answered by the core. */
async function restBuild(common, root, { inCore, targets }) {
  const used = new Set();
  const entry = [
    `const holder = require(${JSON.stringify(HOLDER)});`,
    'module.exports = (core) => {',
    '  holder.core = core;',
    '  return {',
    ...[...targets].sort().map((m) => `    ${JSON.stringify(m)}: () => require(${JSON.stringify(`./${m}`)}),`),
    '  };',
    '};',
  ].join('\n');
  const plugin = {
    name: 'ejctl-rest',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${HOLDER}$`) }, () => ({ path: HOLDER, namespace: 'ejctl' }));
      b.onLoad({ filter: /.*/, namespace: 'ejctl' }, () => ({ contents: 'module.exports = { core: undefined };', loader: 'js' }));
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.path === HOLDER) return undefined;
        const real = await resolveReal(b, args);
        const rel = real && relative(root, real);
        if (rel === undefined || !inCore.has(rel)) return undefined;
        used.add(rel);
        return { path: rel, namespace: 'ejctl-core' };
      });
      b.onLoad({ filter: /.*/, namespace: 'ejctl-core' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(HOLDER)}).core(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
  const result = await build({
    ...common,
    stdin: { contents: entry, resolveDir: root, sourcefile: 'ejctl-rest-entry.js', loader: 'js' },
    plugins: [plugin],
  });
  return { result, used };
}

/** Builds `coreFile` and `restFile`; `common` holds the esbuild options both share. */
export async function buildSplit(common, root, coreFile, restFile) {
  const draft = await coreBuild({ ...common, outfile: coreFile, write: false, sourcemap: false }, root, { exposed: [] });
  const inCore = modulesOf(draft.result, root);
  // An import() of a module the core has anyway stays in the core (esbuild initialises it then).
  const targets = new Set([...draft.targets].filter((t) => !inCore.has(t)));
  const rest = await restBuild({ ...common, outfile: restFile }, root, { inCore, targets });
  const core = await coreBuild({ ...common, outfile: coreFile }, root, { inCore, exposed: rest.used });
  const finalCore = modulesOf(core.result, root);
  if (finalCore.size !== inCore.size || [...core.targets].some((t) => !targets.has(t))) {
    throw new Error('build: the core changed between its draft and its build');
  }
  return [core.result, rest.result];
}
