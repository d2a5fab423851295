#!/usr/bin/env bash
# Lints docs/openapi.json (the document the service serves, kept equal to it by
# OpenApiDocumentTest) with Spectral (spectral:oas) and Redocly; an error fails, warnings are shown.
# Linters are installed from npm, pinned by .ci/lint/package-lock.json, into .ci/lint/node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
lint=.ci/lint
# Redocly 2 needs Node.js 20.19 or later (Debian 12's own nodejs is 18: use NodeSource's)
node -e 'const [a, b] = process.versions.node.split(".").map(Number);
  process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  { echo "lint-openapi: Node.js >= 20.19 needed, found $(node -v)" >&2; exit 1; }
if [ ! -x "$lint/node_modules/.bin/spectral" ] || [ ! -x "$lint/node_modules/.bin/redocly" ]; then
  npm ci --prefix "$lint" --no-audit --no-fund --loglevel=error
fi
"$lint/node_modules/.bin/spectral" lint --ruleset "$lint/.spectral.yaml" --fail-severity error \
  docs/openapi.json
"$lint/node_modules/.bin/redocly" lint --config "$lint/redocly.yaml" docs/openapi.json
