#!/usr/bin/env bash
# Builds the real Pulumi CLI from its Go module, once per pinned version, and prints the directory
# holding `pulumi`.
#
#   scripts/pulumi-engine.sh            build if needed, print the bin directory
#   scripts/pulumi-engine.sh --check    print the bin directory if it is built, else exit 1
#
# The version comes from lib/versions.ts (pulumiEngine). The cache is $OUCHI_CACHE/pulumi/<version>
# (default ~/.cache/ouchi), next to ouchi's other downloads; Go's own module and build caches make a
# rebuild after a version bump cheaper. Why a wrapper module: pkg/go.mod has a local replace
# (sdk/v3 => ../sdk), so `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@vX` is refused; a
# module of our own that requires pkg/v3 and sdk/v3 at the same version, and repeats their one
# non-local replace, builds it.
#
# The Node.js language host is not built here: its module,
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, is refused by the Go module
# proxy this project reaches (403 "This module version is not available", for its version list and
# for the pseudo-version of the sdk tag's commit), and the sdk/v3 module zip leaves it out (it is a
# module of its own). The engine tests start ouchi's own small one (test/support/engine/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

version="$(node -r ts-node/register/transpile-only -e "console.log(require('./lib/versions').pulumiEngine.version)")"
cache="${OUCHI_CACHE:-$HOME/.cache/ouchi}/pulumi/v${version}"
bin="$cache/bin"

if [ -x "$bin/pulumi" ] && [ -f "$cache/complete" ]; then
  echo "$bin"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "the Pulumi CLI v$version is not built in $cache: run scripts/pulumi-engine.sh (about 5 min on 2 idle cores)" >&2
  exit 1
fi

command -v go >/dev/null || { echo "go is not on PATH: the Pulumi engine is built with Go" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/ouchi-pulumi-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
cat >go.mod <<EOF
module ouchi.invalid/pulumi-engine

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 v${version}
	github.com/pulumi/pulumi/sdk/v3 v${version}
)

// The one non-local replace of pkg/go.mod and sdk/go.mod.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
started=$SECONDS
# Fills go.sum with what the CLI's package needs.
GOFLAGS=-mod=mod go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v${version}" >&2
grep -q "github.com/pulumi/pulumi/pkg/v3 v${version}$" go.mod || {
  echo "go resolved pkg/v3 to another version than v${version}:" >&2
  cat go.mod >&2
  exit 1
}
mkdir -p out
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}"
GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o out/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
echo "built the Pulumi CLI v$version in $((SECONDS - started)) s" >&2

# Into place whole: a cache entry is either complete or absent.
mkdir -p "$(dirname "$cache")"
rm -rf "$cache.tmp"
mkdir -p "$cache.tmp"
mv out "$cache.tmp/bin"
cp go.mod go.sum "$cache.tmp/"
touch "$cache.tmp/complete"
rm -rf "$cache"
mv "$cache.tmp" "$cache"
echo "$bin"
