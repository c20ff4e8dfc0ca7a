// The library's layers, bottom to top. A folder may import only the folders of the layers below its
// own; folders of one layer do not import each other. docs/architecture.md explains each layer.
// `npm run check:architecture` runs these rules (and CI runs that script).
const LAYERS = [
  ['protocol'],
  ['security'],
  ['config'],
  ['stats'],
  ['rate-limit'],
  ['connection'],
  ['outbound'],
  ['cluster'],
  ['history'],
  ['presence'],
  ['messaging'],
  ['transport'],
  ['heartbeat', 'task-monitor'],
  ['supervisor'],
  ['observability'],
  ['client-bundle', 'asyncapi'],
  ['admin'],
];

const LIB = '^libs/websocket-tool/src/';
const folder = (name) => `${LIB}${name}/`;
const anyOf = (names) => `${LIB}(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flat();
  return layer.map((name) => {
    const forbidden = [...above, ...layer.filter((other) => other !== name)];
    return {
      name: `layer-${name}`,
      comment: `${name}/ may import only the layers below it (${LAYERS.slice(0, index).flat().join(', ') || 'none'}).`,
      severity: 'error',
      from: { path: folder(name) },
      to: { path: forbidden.length > 0 ? anyOf(forbidden) : '^$' },
    };
  });
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'known-folders-only',
      comment: 'Every folder of the library has a place in the layer list (LAYERS) or is an entry point.',
      severity: 'error',
      from: { path: LIB },
      to: { path: LIB, pathNot: [anyOf([...LAYERS.flat(), 'prometheus']), `${LIB}[^/]+$`] },
    },
    {
      name: 'no-root-imports',
      comment:
        'The files at the root of the library (the module, its definition, the barrel) sit on top: no folder imports them.',
      severity: 'error',
      from: { path: `${LIB}[^/]+/` },
      to: { path: `${LIB}[^/]+$` },
    },
    {
      name: 'nothing-imports-admin',
      comment: 'admin/ is the top layer: only the module and the entry points register or use it.',
      severity: 'error',
      from: { path: `${LIB}[^/]+/`, pathNot: [folder('admin'), folder('prometheus')] },
      to: { path: folder('admin') },
    },
    {
      name: 'client-stands-alone',
      comment: 'The client SDK runs in browsers and other apps: it imports nothing of the server library.',
      severity: 'error',
      from: { path: '^libs/websocket-tool-client/src/' },
      to: { path: '^libs/websocket-tool/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle between files.',
      severity: 'error',
      from: { path: LIB },
      to: { circular: true },
    },
    {
      name: 'no-test-code',
      comment: 'Library code never imports the test helpers.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '/dist/', '/browser/.*\\.generated\\.'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
