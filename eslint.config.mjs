// ESLint: the recommended rules of ESLint and typescript-eslint, nothing more, over the code we
// write (ts/, test/, bench/, scripts/, examples/). `npm test` runs it (npm run lint) before the suites.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['build/', 'dist/', 'prebuilds/', 'node_modules/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } }, // a pragma that no longer suppresses anything goes
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // This library's business is bytes: control characters in regular expressions (\x00-\x1f
      // ranges in codecs, newline handling and terminal-escape checks) are deliberate, not typos.
      'no-control-regex': 'off',
      // `for (const _ of it) n++` counts; a leading underscore marks a value left unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_' }],
      // Modules loaded on first use (binary users never load the codecs, fromFile loads files.ts,
      // the binding loads through node-gyp-build): a require() anywhere else is still an error.
      '@typescript-eslint/no-require-imports': ['error', {
        allow: ['^\\./(files|fdpass|streams|open|codecs)$', '^\\.\\./codecs$', '^node-gyp-build$'],
      }],
      // `interface BufferedReader extends Omit<BufferedBase, ...> {}` names a public type that a
      // same-named const (the class, for instanceof) sits beside.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // CommonJS scripts load modules with require() by design.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
