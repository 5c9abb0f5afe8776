// Lint rules: ESLint's and typescript-eslint's recommended sets, over the library, scripts and tests.
const eslint = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/', 'build/', 'native/build/', 'node_modules/', 'reports/', 'out/', 'test-output/', '.cache/', '.relu-ae-cache/', '.jupyter-local/', '**/*.staging-*/', '**/*.previous-*/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Optional native modules (nblas, tfjs-node) and the package.json are loaded lazily with require on purpose.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['eslint.config.js', 'report-template/**/*.js', 'native/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' } },
  },
);
