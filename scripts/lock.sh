#!/usr/bin/env bash
# Regenerate requirements.lock and requirements-dev.lock (every package, transitive ones too, pinned with
# its PyPI hashes) from requirements.txt and requirements-dev.txt. Run after changing a pin there.
# pip-tools runs from a throwaway venv, against PyPI only (no local wheel folders or mirrors in the hashes).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
${PYTHON:-python3} -m venv "$tools"
"$tools/bin/pip" install --quiet pip-tools==7.6.2
for name in requirements requirements-dev; do
  env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
    "$tools/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
    --index-url https://pypi.org/simple --output-file "$name.lock" "$name.txt"
  sed -i 's|^#    pip-compile .*|#    scripts/lock.sh  (pip-compile --generate-hashes --allow-unsafe --strip-extras, PyPI only)|' \
    "$name.lock"
done
