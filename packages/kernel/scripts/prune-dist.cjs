// Removes from dist/ what no longer has a source in src/ (a renamed or deleted file), so that
// neither the incremental build nor `npm pack` ships a stale module. Files that still have a
// source are left alone: processes running from dist/ meanwhile keep working.
const { existsSync, readdirSync, rmSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const src = join(root, 'src');

function sourceOf(file) {
  const path = relative(dist, file).replace(/\.d\.ts$|\.js\.map$|\.js$/, '');
  return join(src, `${path}.ts`);
}

function prune(folder) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (/\.(d\.ts|js|js\.map)$/.test(name) && !existsSync(sourceOf(path))) {
      rmSync(path);
    }
  }
}

if (existsSync(dist)) prune(dist);
