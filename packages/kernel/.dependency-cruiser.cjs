/**
 * The kernel's layers, checked by `npm run lint:cycles` (dependency-cruiser, in CI):
 * no import cycle anywhere in the kernel, and each folder imports only the layers below it.
 *
 *   primitives, context             messages, errors, schemas; the request context
 *   observability, security         logs, metrics, traces; tokens, principals, credentials
 *   http                            problem responses, validation, request id, auth guard
 *   seam                            the seam, local and remote, and its receiving side
 *   persistence                     module databases, outbox writes, inbox claims
 *   messaging                       the outbox relay and its admin
 *   host                            SeamsModule, the HTTP edge, health, metrics, shutdown
 *   testing                         the module harness and the base of contract-checked fakes
 * (see LAYERS); a new folder must be added there, or every import into it is refused.
 */
/** Each kernel folder, and the folders below it that it may import. */
const LAYERS = {
  primitives: [],
  context: [],
  observability: ['primitives', 'context'],
  security: ['primitives', 'context'],
  http: ['primitives', 'context', 'security'],
  seam: ['primitives', 'context', 'observability', 'security'],
  persistence: ['primitives', 'context', 'seam'],
  messaging: ['primitives', 'context', 'observability', 'seam', 'persistence'],
  host: ['primitives', 'context', 'observability', 'security', 'http', 'seam', 'persistence', 'messaging'],
  testing: ['primitives', 'context', 'observability', 'security', 'http', 'seam', 'persistence', 'messaging', 'host'],
};

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Kernel folders form layers: an import cycle means two of them lean on each other.', from: {}, to: { circular: true } },
    ...Object.entries(LAYERS).map(([layer, allowed]) => ({
      name: `${layer}-imports-only-lower-layers`,
      severity: 'error',
      comment: `${layer} may import ${allowed.length ? allowed.join(', ') : 'no other kernel folder'}`,
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(?!(${[layer, ...allowed].join('|')})/)` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
