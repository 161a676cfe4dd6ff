import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Size limits for product code (tests, test support, fixtures and benchmarks aside). A file or
// function that must stay longer says why, in one line at its top:
// `/* eslint-disable max-lines -- <reason> */` (a disable without its reason is an error).
const PRODUCT_FILES = ['**/*.{ts,tsx,js,mjs,cjs}'];
const NOT_PRODUCT = ['**/*.test.{ts,tsx}', 'test/**', 'backend/testing/**'];

/** `eslint-disable max-lines…` must carry its reason (`-- why`), so a long file says why it is long. */
const sizeExceptionReason = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const text = comment.value.trim();
          if (
            /^eslint-disable(-next-line|-line)?\s[^-]*max-lines/.test(text) &&
            !/--\s*\S/.test(text)
          )
            context.report({
              loc: comment.loc,
              message: 'Say in one line why this may be this long: `-- <reason>`.',
            });
        }
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules', '.output', '.wxt', 'data', 'test/fixtures/pages', 'docs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node, chrome: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: PRODUCT_FILES,
    ignores: NOT_PRODUCT,
    plugins: { local: { rules: { 'size-exception-reason': sizeExceptionReason } } },
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 120 }],
      'local/size-exception-reason': 'error',
    },
  },
);
