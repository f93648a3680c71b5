#!/usr/bin/env bash
# Generates the next migration for SQLite and PostgreSQL against the real engines, from the entity
# set, and appends it to each dialect's ordered index:
#   scripts/generate-migration.sh Name            (both dialects)
#   scripts/generate-migration.sh Name sqlite     (one dialect)
# PostgreSQL: a scratch database on MIGRATION_PG_SERVER (default postgres://postgres@127.0.0.1:5432),
# recreated each run. Runs are serialized with a lock, so parallel work cannot interleave them.
set -euo pipefail
name=${1:?migration name in PascalCase, e.g. AddSamlReplayCache}
dialects=${2:-sqlite postgres}
cd "$(dirname "$0")/.."
exec 9>/tmp/groupsync-migration-generate.lock
flock 9
rm -rf dist
npx tsc -p tsconfig.build.json || true # emit even with type errors elsewhere; the entities are what matter
for dialect in $dialects; do
  if [ "$dialect" = sqlite ]; then
    gen=$(mktemp -d)
    export DATABASE_URL="sqlite:$gen/gen.sqlite"
  else
    server=${MIGRATION_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
    db="gs_migration_gen_$$"
    psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$db\"" -c "CREATE DATABASE \"$db\""
    export DATABASE_URL="$server/$db"
  fi
  npx typeorm migration:run -d dist/database/cli-data-source.js >/dev/null
  out=$(npx typeorm migration:generate -p -d dist/database/cli-data-source.js "src/database/migrations/$dialect/$name" 2>&1) || {
    echo "$out"
    [ "$dialect" = postgres ] && psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$db\""
    exit 1
  }
  echo "$out" | tail -n 1
  file=$(ls -t "src/database/migrations/$dialect/"*"-$name.ts" | head -n 1)
  class=$(sed -n 's/^export class \([A-Za-z0-9_]*\).*/\1/p' "$file")
  base=$(basename "$file" .ts)
  index="src/database/migrations/$dialect/index.ts"
  sed -i "1i import { $class } from './$base';" "$index"
  # the array is on one line while short, one entry per line once prettier wraps it
  sed -i -e "s/\(_MIGRATIONS: Function\[\] = \[.*\)\];/\1, $class];/" \
    -e "/_MIGRATIONS: Function\[\] = \[\$/,/^\];/ s/^\];/  $class,\n];/" "$index"
  npx prettier --write "$file" "$index" >/dev/null
  [ "$dialect" = postgres ] && psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$db\""
  [ "$dialect" = sqlite ] && rm -rf "$gen"
done
echo "Done. Review the generated files; the migrations integration test checks they match the entities."
