#!/usr/bin/env bash
# `pnpm release [--dry-run]`: publishes every @tracecarrier package whose version is not on the
# registry yet, from a clean, checked build, then tags the release. Run `pnpm version-packages`
# first (it turns the pending changesets into versions and changelog entries) and commit that.
set -euo pipefail
cd "$(dirname "$0")/.."
pending=$(find .changeset -name '*.md' ! -name README.md | wc -l)
if [ "$pending" -gt 0 ]; then
  echo "release: $pending changeset(s) not yet applied: run \`pnpm version-packages\` and commit the result first" >&2
  exit 1
fi
eval "$(bash scripts/node-line.sh env default)"
bash scripts/bootstrap.sh
pnpm build
pnpm check:packages
pnpm api:check
# pnpm publish -r skips versions already on the registry and replaces workspace: ranges with versions.
pnpm publish -r --access public "$@"
if [[ " $* " != *" --dry-run "* ]]; then pnpm changeset tag; fi
