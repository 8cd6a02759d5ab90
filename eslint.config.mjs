import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'build/**', 'dist/**', 'imports/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `a || b` silently replaces '' and 0; defaults use `??`.
      'no-restricted-syntax': [
        'error',
        {
          selector: "LogicalExpression[operator='||'][right.type=/Literal|ArrayExpression|ObjectExpression/]",
          message: 'Use ?? for defaults, not ||.',
        },
      ],
    },
  },
  {
    // A component file declares one component and takes what it needs from others as typed props
    // (charts/index.ts wires them): it never imports a sibling component's file.
    files: ['charts/*.ts'],
    ignores: ['charts/index.ts', 'charts/assemble.ts', 'charts/render.ts', 'charts/synth.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\./(?!lib/|apps(/|$))',
              message:
                'A component takes what it needs from another as a typed prop, not by importing its file.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests edit parsed YAML freely.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
