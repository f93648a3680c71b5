#!/usr/bin/env bash
# Generates the next migration for one dialect against the real engine, from the entity set.
#   scripts/generate-migration.sh sqlite|postgres Name
# postgres uses DATABASE_URL (default: a scratch database on the local server, recreated each run).
set -euo pipefail
dialect=${1:?sqlite or postgres}
name=${2:?migration name, e.g. AddSamlReplayCache}
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json || true   # emit even with type errors elsewhere; entities are what matter
if [ "$dialect" = sqlite ]; then
  rm -f ./data/migration-gen.sqlite*
  export DATABASE_URL=sqlite:./data/migration-gen.sqlite
else
  export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/groupsync_migration_gen}
  db=${DATABASE_URL##*/}
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS \"$db\"" -c "CREATE DATABASE \"$db\""
fi
npx typeorm migration:run -d dist/database/cli-data-source.js
npx typeorm migration:generate -p -d dist/database/cli-data-source.js "src/database/migrations/$dialect/$name"
echo "Now add the new class to src/database/migrations/$dialect/index.ts"
