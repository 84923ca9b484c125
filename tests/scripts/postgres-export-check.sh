#!/usr/bin/env bash
# Loads a ticklake export made with --profile postgres into a throw-away PostgreSQL cluster and
# checks what PostgreSQL sees against expected figures (computed by the caller with DuckDB).
#
#   tests/scripts/postgres-export-check.sh EXPORT_DIR [EXPECTED_FILE] [EXPORT_DIR EXPECTED_FILE]...
#
# Several exports (of different tables) are loaded into the same cluster, each checked against
# its own expected figures.
#
# EXPECTED_FILE has one figure per line:
#   rows=N                      row count of the loaded table
#   sum:COLUMN=DECIMAL          exact sum of a numeric column (compared as numeric)
#   min:COLUMN=ISO-TIME / max:COLUMN=ISO-TIME   extremes of a timestamptz column
# Without it the script prints the row count and the sum of every numeric column.
#
# PostgreSQL: uses initdb/pg_ctl from PATH or /usr/lib/postgresql/<ver>/bin; when absent and run as
# root, installs Debian's postgresql package first. The cluster lives in a temp dir, listens on a
# Unix socket only (no TCP port to collide with), runs as 'nobody' when started by root, and is
# stopped and deleted on exit. Exit status: 0 all figures match, 1 a mismatch, 2 setup failed.
set -euo pipefail

die() { echo "postgres-export-check: $*" >&2; exit 2; }
[[ $# -ge 1 ]] || die "usage: $0 EXPORT_DIR [EXPECTED_FILE] [EXPORT_DIR EXPECTED_FILE]..."
[[ $# -le 2 || $(($# % 2)) -eq 0 ]] || die "several exports need an EXPECTED_FILE each"
args=("$@")
for ((i = 0; i < $#; i += 2)); do
  [[ -f ${args[i]}/load.sql && -f ${args[i]}/schema.sql ]] \
    || die "${args[i]} has no load.sql/schema.sql (not a postgres-profile export)"
done

find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [[ -n $d && -x $d/initdb ]] && echo "$d"
}

bin=$(find_bin || true)
if [[ -z $bin ]]; then
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed (apt-get install postgresql)"
  echo "postgres-export-check: installing Debian's postgresql" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; } \
    || die "cannot install postgresql"
  bin=$(find_bin) || die "postgresql installed but initdb not found"
fi
psql_bin=$(command -v psql || echo "$bin/psql")

work=$(mktemp -d /tmp/ticklake-pg.XXXXXX)
chmod 755 "$work"
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  chown nobody "$work"
  as_owner=(runuser -u nobody --)
fi
cleanup() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A free port number: nothing listens on TCP (listen_addresses=''), but the socket file is named
# after the port, so pick one no local server uses either.
port=""
for p in $(seq 54329 54429); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [[ ! -e /var/run/postgresql/.s.PGSQL.$p ]]; then
    port=$p
    break
  fi
done
[[ -n $port ]] || die "no free port in 54329-54429"

"${as_owner[@]}" "$bin/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --locale=C \
  >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; die "initdb failed"; }
"${as_owner[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses='' -k $work -p $port -c fsync=off" start >/dev/null \
  || { cat "$work/server.log" >&2; die "pg_ctl start failed"; }

psql=("$psql_bin" -X -q -v ON_ERROR_STOP=1 -h "$work" -p "$port" -U postgres -d postgres)
q() { "${psql[@]}" -tA -c "$1"; }
status=0

# Loads one export and compares its figures; sets status=1 on a mismatch.
check() {
  local export_dir expected
  export_dir=$(cd "$1" && pwd)
  expected=${2:-}
  (cd "$export_dir" && "${psql[@]}" -f load.sql) || { echo "postgres-export-check: load.sql failed" >&2; exit 1; }

  table=$(grep -o 'CREATE TABLE "[^"]*"' "$export_dir/schema.sql" | head -1 | cut -d'"' -f2)
  echo "table=$table"

  if [[ -z $expected ]]; then
    echo "rows=$(q "SELECT count(*) FROM \"$table\"")"
    for c in $(q "SELECT column_name FROM information_schema.columns WHERE table_name = '$table'
                 AND data_type IN ('numeric','bigint','integer') ORDER BY ordinal_position"); do
      echo "sum:$c=$(q "SELECT sum(\"$c\") FROM \"$table\"")"
    done
    return
  fi

  while IFS= read -r line || [[ -n $line ]]; do
    [[ -z $line || $line == \#* ]] && continue
    key=${line%%=*}
    want=${line#*=}
    case $key in
      rows) sql="SELECT count(*) = $want, count(*) FROM \"$table\"" ;;
      sum:*) c=${key#sum:}; sql="SELECT sum(\"$c\") = '$want'::numeric, sum(\"$c\") FROM \"$table\"" ;;
      min:*) c=${key#min:}; sql="SELECT min(\"$c\") = '$want'::timestamptz, to_char(min(\"$c\") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM \"$table\"" ;;
      max:*) c=${key#max:}; sql="SELECT max(\"$c\") = '$want'::timestamptz, to_char(max(\"$c\") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM \"$table\"" ;;
      *) die "unknown figure '$key' in $expected" ;;
    esac
    result=$(q "$sql")
    same=${result%%|*}
    got=${result#*|}
    if [[ $same == t ]]; then
      echo "ok $key=$got"
    else
      echo "MISMATCH $key: postgres $got, expected $want"
      status=1
    fi
  done <"$expected"
}

for ((i = 0; i < ${#args[@]}; i += 2)); do
  check "${args[i]}" "${args[i+1]:-}"
done
exit $status
