// Lint: typescript-eslint's recommended rules, plus the project rule that only src/config reads process.env.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'examples/**/.next/**', 'examples/**/node_modules/**', 'test-artifacts/**', '.cache/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config only.' }],
    },
  },
  {
    files: ['src/config/**', 'scripts/**', 'test/**', 'bench/**', 'bin/**', 'examples/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
