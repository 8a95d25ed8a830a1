#!/usr/bin/env bash
# docs/adopting.md on every supported Node line: `npm test` runs the adoption suite on this
# machine's Node (20); this runs it again on the newest Node 22 and Node 24 of the npm registry
# (the `node` package: a prebuilt binary, cached), each installing, building and running the
# example on that Node, with npm on it too.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${SEAMS_CI_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seams-ci-node}"
for major in ${SEAMS_ADOPTION_LINES:-22 24}; do
  home="$cache/$major"
  if [ ! -x "$home/node_modules/.bin/node" ]; then
    mkdir -p "$home"
    npm install --prefix "$home" --no-save --no-audit --no-fund --loglevel=error "node@$major" >/dev/null
  fi
  echo "== docs/adopting.md on Node $("$home/node_modules/.bin/node" --version)"
  SEAMS_ADOPTION_NODE="$home/node_modules/.bin/node" npx jest --ci test/kernel-package/adoption.spec.ts
done
