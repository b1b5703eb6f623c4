#!/usr/bin/env bash
# Prints the Node.js headers folder (npm's --nodedir) to build better-sqlite3 against for the `node` on PATH, so that
# a build from source works on every supported Node.js:
#   npm_config_nodedir="$(bash scripts/native-headers.sh)" npm ci
#   npm rebuild better-sqlite3 --build-from-source --nodedir="$(bash scripts/native-headers.sh)"
#
# Why not always the node's own headers: from Node.js 24.19 on, node_object_wrap.h registers an environment cleanup
# hook for every node::ObjectWrap and removes it in the destructor, which asserts that a JavaScript context is
# entered. better-sqlite3 12 (the last major that runs on Node.js 20) derives its Database and Statement from
# node::ObjectWrap, and V8 finalizes statements in garbage collections that run with no context entered: a build
# against 24.19+ headers aborts the process ("Assertion failed: (env) != nullptr" in
# node::RemoveEnvironmentCleanupHook, from Statement::~Statement). The headers of the last release of the same major
# without that change give the same ABI (NODE_MODULE_VERSION) and a binary that does not abort, like better-sqlite3
# 12.11.1's own prebuilt binaries, built before 24.19. test/unit/db/nativeBuild.test.ts checks the build in use.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# The last release of each affected major whose node_object_wrap.h has no cleanup hook.
declare -A last_without_hook=([24]=24.18.1)

version=$(node -p 'process.versions.node')
major=${version%%.*}
own=$(node -p 'require("node:path").resolve(process.execPath, "..", "..")')
if [[ ! -f $own/include/node/node_version.h ]]; then
  # No headers beside this node: let node-gyp find them as it does by default.
  echo ""
  exit 0
fi
if ! grep -q RemoveEnvironmentCleanupHook "$own/include/node/node_object_wrap.h"; then
  echo "$own"
  exit 0
fi
if [[ -z ${last_without_hook[$major]:-} ]]; then
  echo "native-headers.sh: Node.js $version's node::ObjectWrap aborts better-sqlite3 12; no known headers to build against for Node.js $major (use Node.js 20, 22 or 24)." >&2
  exit 1
fi
bash "$here/registry-node.sh" "${last_without_hook[$major]}"
