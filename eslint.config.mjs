// Flat config: typescript-eslint's recommended rules, `any` banned, unused vars allowed only with a leading underscore.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      // Prettier wraps code at 140 but leaves strings, comments and test titles whole: they must not run past 160.
      'max-len': ['error', { code: 160, ignoreUrls: true }],
    },
  },
  {
    // Shipped migrations are never edited, not even for layout.
    files: ['migrations/20261206005200_create_ip_assignments.ts'],
    rules: { 'max-len': 'off' },
  },
  {
    files: ['tests/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
  },
);
