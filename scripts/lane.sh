#!/usr/bin/env bash
# Test lanes: one Node.js line with one OpenTelemetry SDK line each. The default lane is the root
# workspace itself (installed for the default Node line, scripts/bootstrap.sh); every other lane is
# a copy of the working tree in .lanes/NAME with node_modules of its own, installed under its Node
# line (the native clients built for that line's ABI) with its SDK catalog in place of the
# workspace's (pnpm-workspace.yaml).
#
#   scripts/lane.sh list               NAME, Node line, catalog: one lane a line
#   scripts/lane.sh prepare NAME       copy the tree (not for the default lane), install, build
#   scripts/lane.sh dir NAME           the lane's workspace folder
#   scripts/lane.sh run NAME -- CMD    CMD in that folder, under the lane's Node line
#   scripts/lane.sh describe NAME      "Node 22.23.5, OpenTelemetry SDK 2 (core 2.12.0, api 1.9.1)", as installed
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

# name          Node line  catalog
LANES="
node24-sdk3     24         default
node22-sdk2     22         sdk2
node26-sdk3     26         default
"

lane_field() { # lane_field NAME COLUMN
  local line
  line=$(awk -v n="$1" '$1 == n' <<<"$LANES")
  [ -n "$line" ] || { echo "[lane] unknown lane '$1' (known: $(awk 'NF {printf "%s ", $1}' <<<"$LANES"))" >&2; exit 2; }
  awk -v c="$2" '{print $c}' <<<"$line"
}

is_root() { # the lane the root workspace is installed for
  [ "$(lane_field "$1" 2)" = "$(bash "$here/scripts/node-line.sh" version default | cut -d. -f1)" ] && [ "$(lane_field "$1" 3)" = default ]
}

dir_of() { if is_root "$1"; then echo "$here"; else echo "$here/.lanes/$1"; fi; }

# The tracked and untracked-but-not-ignored files of the working tree, as they are now.
copy_tree() {
  local dir=$1
  mkdir -p "$dir"
  find "$dir" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
  (cd "$here" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) | (cd "$dir" && tar -xf -)
}

# pnpm-workspace.yaml with the named catalog as the default one (and no other catalogs).
use_catalog() {
  local file=$1 name=$2
  node - "$file" "$name" <<'NODE'
const fs = require('node:fs');
const [file, name] = process.argv.slice(2);
const lines = fs.readFileSync(file, 'utf8').split('\n');
const out = [];
const entries = [];
let section = null; // 'catalog' | 'catalogs' | 'named' | 'other-named'
for (const line of lines) {
  if (/^\S/.test(line)) section = line.startsWith('catalog:') ? 'catalog' : line.startsWith('catalogs:') ? 'catalogs' : null;
  else if (section !== null && section !== 'catalog' && /^  \S/.test(line)) section = line.trim() === `${name}:` ? 'named' : 'other-named';
  if (section === null) out.push(line);
  else if (section === 'named' && /^    \S/.test(line)) entries.push(line.slice(2));
}
if (entries.length === 0) throw new Error(`no catalog '${name}' in ${file}`);
fs.writeFileSync(file, `${out.join('\n').trimEnd()}\n# The ${name} catalog, made the default by scripts/lane.sh.\ncatalog:\n${entries.join('\n')}\n`);
NODE
}

prepare() {
  local name=$1 dir catalog
  dir=$(dir_of "$name")
  catalog=$(lane_field "$name" 3)
  if is_root "$name"; then
    bash "$here/scripts/node-line.sh" exec "$(lane_field "$name" 2)" -- bash -c "bash '$here/scripts/bootstrap.sh' && pnpm build >/dev/null"
    return
  fi
  echo "[lane] preparing $name in ${dir#"$here"/}" >&2
  copy_tree "$dir"
  local frozen=--frozen-lockfile
  if [ "$catalog" != default ]; then
    use_catalog "$dir/pnpm-workspace.yaml" "$catalog"
    # The workspace's lockfile is the starting point: only the catalog's packages are resolved anew.
    frozen="--no-frozen-lockfile --prefer-offline"
  fi
  # shellcheck disable=SC2086
  (cd "$dir" && bash "$here/scripts/node-line.sh" exec "$(lane_field "$name" 2)" -- bash -c "
    export CKJS_LINKING=\${CKJS_LINKING:-dynamic}; unset MAKEFLAGS JOBS
    pnpm install $frozen --config.confirmModulesPurge=false >/dev/null && pnpm build >/dev/null")
}

describe() {
  local name=$1 dir
  dir=$(dir_of "$name")
  (cd "$dir" && bash "$here/scripts/node-line.sh" exec "$(lane_field "$name" 2)" -- node -e '
    const version = (name) => JSON.parse(require("node:fs").readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
    const core = version("@opentelemetry/core");
    console.log(`Node ${process.versions.node}, OpenTelemetry SDK ${core.split(".")[0]} (core ${core}, api ${version("@opentelemetry/api")})`);')
}

case "${1:-}" in
  list) awk 'NF' <<<"$LANES" ;;
  prepare) prepare "${2:?lane}" ;;
  dir) dir_of "${2:?lane}" ;;
  describe) describe "${2:?lane}" ;;
  run)
    name=${2:?lane}
    shift 2
    [ "${1:-}" = -- ] && shift
    cd "$(dir_of "$name")"
    export TRACECARRIER_LANE=$name
    exec bash "$here/scripts/node-line.sh" exec "$(lane_field "$name" 2)" -- "$@"
    ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
