// Lint: typescript-eslint's recommended rules, plus the project rule that only src/config reads process.env.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Layering (issue 12): a module's services/ (storage, adapters) and app/ (use cases) are its own; other modules
// go through its face (e.g. identity/identity-service.ts, wallet/wallet-service.ts) or domain/. The
// composition root src/main/ wires modules, so it may import anything.
const MODULES = ['auth', 'identity', 'wallet', 'api-keys', 'api', 'portal', 'login-ui', 'hydra-port', 'clients-as-code', 'cli', 'main', 'config', 'db', 'shared', 'web', 'observability', 'webhooks'];
const layeringZones = MODULES.filter((m) => m !== 'main').map((m) => ({
  target: `./src/!(${m}|main)/**`,
  from: [`./src/${m}/services`, `./src/${m}/app`],
  message: `${m}/services and ${m}/app are internal to ${m}: import its face or domain/ instead.`,
}));

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
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layeringZones }] },
  },
  {
    files: ['src/config/**', 'scripts/**', 'test/**', 'bench/**', 'bin/**', 'examples/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
