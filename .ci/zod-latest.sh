#!/usr/bin/env bash
# The compiled check reads Zod's internals (ADR 0017): its property tests run once more against
# the newest Zod the kernel's range allows, installed fresh from the registry, as a user
# installing the kernel today would get it. A Zod whose internals moved fails here first.
set -euo pipefail
cd "$(dirname "$0")/.."
zod_range=$(node -p "require('./packages/kernel/package.json').dependencies.zod")
zod_dir=$(mktemp -d)
trap 'rm -rf "$zod_dir"' EXIT
npm install --prefix "$zod_dir" --no-save --no-audit --no-fund --no-package-lock --loglevel=error "zod@$zod_range" >/dev/null
echo "== the compiled check against zod $(node -p "require('$zod_dir/node_modules/zod/package.json').version") (the newest in $zod_range)"
SEAMS_ZOD_UNDER_TEST="$zod_dir/node_modules/zod" npx jest test/contracts/compiled-check.spec.ts
