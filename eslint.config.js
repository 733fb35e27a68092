// Type-aware lint: the rules that catch real bugs in async, process-spawning code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/', 'scripts/', 'test/**/fixtures/', 'eslint.config.js', 'vitest.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: ['./tsconfig.json', './test/tsconfig.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      // Some APIs are async for their callers' sake before they await anything themselves.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Throw an EjctlError; src/cli.ts is the one place that exits.' }],
      'no-restricted-syntax': ['error', { selector: "Property[key.name='shell'][value.value=true]", message: 'Spawn with argv arrays, never through a shell.' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
