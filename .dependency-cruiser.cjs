/**
 * Import cycles are forbidden between files and between folders: a folder cycle (domain importing
 * the normaliser that imports the domain) hides a type in the wrong layer even when no two files
 * import each other. Type-only imports count, since they shape the layers as much as values do.
 * `npm run check:cycles` runs this; CI runs it after lint.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A file reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-circular',
      comment: 'A folder reaches itself through the imports of its files.',
      scope: 'folder',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  },
};
