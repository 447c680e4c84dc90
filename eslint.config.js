import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import toolsmith from './scripts/eslint/engine-layers.js';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.cache/**', 'python/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-empty-pattern': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // The engine runs in plain Node: it must never reach for Electron.
    files: ['src/main/engine/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine and the contract never import electron.' }] }],
    },
  },
  {
    // One owner per table: SQL lives in the `*-repo.ts` module of its table's domain (and db/ for migrations).
    files: ['src/main/engine/**/*.ts'],
    ignores: ['src/main/engine/**/*-repo.ts', 'src/main/engine/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='prepare']",
          message: 'SQL belongs in the repository module of its table (a *-repo.ts); call a function of that module here.',
        },
      ],
    },
  },
  {
    // Tiers inside the engine and no cycle between its folders (scripts/eslint/engine-layers.js).
    files: ['src/main/engine/**/*.ts'],
    plugins: { toolsmith },
    rules: { 'toolsmith/engine-layers': 'error' },
  },
  {
    // The renderer talks to the engine only through the contract's client.
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/main/**', 'electron', 'node:*'], message: 'The renderer reaches the engine only through src/shared.' }],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
