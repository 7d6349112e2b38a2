/**
 * The import rules of src/ (npm run depcheck; CI runs it): no cycle between
 * files at run time, and arrows point inward (style: domain/ at the centre,
 * plan/ pure, the simulator independent of the client it is a model for).
 * Type-only imports are erased by the compiler and do not count.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycle',
      severity: 'error',
      comment: 'A cycle loads modules in an order nobody chose (and pulls the simulator into every command, as demo <-> main once did).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-only-domain',
      severity: 'error',
      comment: 'domain/ is the centre: keys, the model the diff compares, errors. It knows no stage.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'plan-is-pure',
      severity: 'error',
      comment: 'plan/ is a pure function of (desired, live, inventory): it imports domain/, the kinds (src/kinds, pure themselves: see kinds-are-pure) and itself only.',
      from: { path: '^src/plan/' },
      to: { path: '^src/', pathNot: '^src/(domain|kinds|plan)/' },
    },
    {
      name: 'kinds-are-pure',
      severity: 'error',
      comment:
        'A kind module (src/kinds) holds its handlers, ownership and diff, and each API family its diff and read scope; handlers reach Databricks only ' +
        'through the session they are handed, so at run time a kind imports domain/ and kinds/ only (the client and observe-scope types it names are ' +
        'type-only imports), and plan/ (the diff) and live/observe-scope.ts (what a pass reads) may call it.',
      from: { path: '^src/kinds/' },
      to: { path: '^src/', pathNot: '^src/(domain|kinds)/' },
    },
    {
      name: 'simulator-is-independent',
      severity: 'error',
      comment: 'The simulator is written from the reference, not from our client: sharing the client would let a wrong assumption pass both sides.',
      from: { path: '^src/simulator/' },
      to: { path: '^src/(live|plan|apply|inventory|loop|desired|kinds)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
