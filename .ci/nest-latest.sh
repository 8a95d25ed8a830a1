#!/usr/bin/env bash
# The seam relies on members of @nestjs/cqrs and @nestjs/microservices that are not public API,
# so the kernel pins their minor versions (~x.y.z peer ranges; test/seam/nest-internals.spec.ts
# says which members). npm test checks them on the locked versions; this checks them again on
# the newest patch each pinned minor has today (with the newest @nestjs/common and core in
# range), installed fresh from the registry as a team installing the kernel now would get them.
set -euo pipefail
cd "$(dirname "$0")/.."
peer() { node -p "require('./packages/kernel/package.json').peerDependencies['$1']"; }
nest_dir=$(mktemp -d)
trap 'rm -rf "$nest_dir"' EXIT
npm install --prefix "$nest_dir" --no-save --no-audit --no-fund --no-package-lock --loglevel=error \
  "@nestjs/cqrs@$(peer @nestjs/cqrs)" "@nestjs/microservices@$(peer @nestjs/microservices)" \
  "@nestjs/common@$(peer @nestjs/common)" "@nestjs/core@$(peer @nestjs/core)" "@nestjs/testing@$(peer @nestjs/core)" \
  "rxjs@$(peer rxjs)" "reflect-metadata@$(peer reflect-metadata)" >/dev/null
version() { node -p "require('$nest_dir/node_modules/$1/package.json').version"; }
echo "== Nest internals against @nestjs/cqrs $(version @nestjs/cqrs) ($(peer @nestjs/cqrs)), @nestjs/microservices $(version @nestjs/microservices) ($(peer @nestjs/microservices)): the newest patch of each pinned minor"
SEAMS_NEST_UNDER_TEST="$nest_dir" npx jest --ci test/seam/nest-internals.spec.ts
