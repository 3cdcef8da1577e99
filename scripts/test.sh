#!/bin/sh
# Sets up the machine and runs the whole test suite (typecheck, lint, unit, end-to-end).
set -eu
root=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$root"
sh scripts/setup.sh
npm test
