#!/usr/bin/env bash
# Vendors the front-end libraries from the npm registry into web/static/vendor
# and records exactly which versions were taken. Run it to upgrade; the files
# it writes are committed so builds need no network.
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX=${HTMX:-2.0.11}
ECHARTS=${ECHARTS:-5.6.0}
out=web/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
(cd "$tmp" && npm pack --silent "htmx.org@$HTMX" "echarts@$ECHARTS" >/dev/null)
tar -xzf "$tmp"/htmx.org-*.tgz -C "$tmp" package/dist/htmx.min.js
cp "$tmp/package/dist/htmx.min.js" "$out/htmx.min.js"
rm -rf "$tmp/package"
tar -xzf "$tmp"/echarts-*.tgz -C "$tmp" package/dist/echarts.min.js package/LICENSE
cp "$tmp/package/dist/echarts.min.js" "$out/echarts.min.js"
{
  echo "# Vendored by scripts/vendor-frontend.sh — do not edit by hand."
  echo "htmx.org $HTMX $(sha256sum "$out/htmx.min.js" | cut -c1-64)"
  echo "echarts $ECHARTS $(sha256sum "$out/echarts.min.js" | cut -c1-64)"
} > "$out/VERSIONS"
cat "$out/VERSIONS"
