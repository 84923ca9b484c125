#!/usr/bin/env bash
# Soak test: every job of the README's crontab ("Running as scheduled jobs") running at once,
# compressed in time, on one fresh warehouse, each as its own process as cron would start it:
#
#   - a live writer fed a paced simulated stream (duplicates, late, out-of-order, bad lines),
#     flushing every second, with an ack log;
#   - ingest of the bundled Lean and Tardis samples now and then (the same files again, and
#     copies under new paths, which put duplicates into Bronze);
#   - two compact loops; bars, quality, export + export verify loops;
#   - dims changes now and then (a ticker rename and its revert, a new symbol), which make
#     compact rebuild partitions;
#   - expire --older-than 1ms --retain-last 1 and orphans --older-than 1m --delete in loops;
#   - sql counts over every table and --as-of queries in a loop.
#
# Then the writer gets SIGTERM, a final compact/bars/quality runs and the invariants are
# checked (tests/scripts/soak-check.py). Every command's exit code and stderr are kept in
# OUT_DIR (commands.log, err/). Opt-in, not part of `mvn verify`; needs a built clone
# (bin/ticklake builds on first use) and python3.
#
#   tests/scripts/soak.sh [OUT_DIR] [--minutes N] [--debug]   (default target/soak, 12 minutes)
#
# --debug (or TICKLAKE_DEBUG=1 in the environment) runs every command with TICKLAKE_DEBUG=1, so
# an internal error's stack trace is kept in err/ with its one-line message; soak-check then
# sets aside only what debugging adds to clean runs (the trace under a command's own one-sentence
# error, library warnings) before it looks for stack traces.
set -uo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/target/soak"
minutes=12
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --debug) export TICKLAKE_DEBUG=1; shift ;;
    *) out="$1"; shift ;;
  esac
done
tl="$root/bin/ticklake"
samples="$root/bronze-writer/src/main/resources/io/ticklake/bronze/sample"
rm -rf "$out"
mkdir -p "$out/err" "$out/res" "$out/exports" "$out/incoming"
# soak-check reads the err/ files of a debug run accordingly
if [[ -n "${TICKLAKE_DEBUG:-}" && "${TICKLAKE_DEBUG}" != "0" ]]; then echo 1 >"$out/debug"; fi
export TICKLAKE_WAREHOUSE="$out/warehouse"
log="$out/commands.log"
deadline=$(($(date +%s) + minutes * 60))

# run LOOP ARGS...: runs one ticklake command, logs "start end loop rc args", keeps its stderr
# (and stdout in res/) under a name unique to the loop's iteration
run() {
  local loop="$1"
  shift
  local id="$loop.$(date +%s%N)"
  local start
  start=$(date +%s.%N)
  "$tl" "$@" >"$out/res/$id.out" 2>"$out/err/$id.err"
  local rc=$?
  last_id="$id"
  printf '%s %s %s %d %s\n' "$start" "$(date +%s.%N)" "$id" "$rc" "$*" >>"$log"
  [[ -s "$out/err/$id.err" ]] || rm -f "$out/err/$id.err"
  return $rc
}
running() { [[ $(date +%s) -lt $deadline && ! -e "$out/stop" ]]; }

run setup init || exit 1
run setup dims load-symbols || exit 1

# crypto lists for the dims loop: a new symbol (SOLUSDT, which the stream also sends, so it is
# auto-registered first and then given its reference data) and an attribute change
cp "$root/catalog/src/main/resources/io/ticklake/catalog/dim/crypto-symbols.csv" "$out/crypto-a.csv"
echo "binance-futures,SOLUSDT,SOL,USDT,0.001,0.1,1,SOL-USDT" >>"$out/crypto-a.csv"
mkdir -p "$out/map-renamed" "$out/map-orig"
printf '19980102,ibm,N\n20131010,ibm,N\n20501231,ibmx,N\n' >"$out/map-renamed/ibm.csv"
cp "$root/catalog/src/main/resources/io/ticklake/catalog/dim/lean-map-files/ibm.csv" "$out/map-orig/"

# the live feed: one long deterministic stream, paced to ~1000 lines/s (simulate prints as fast
# as it can); simulated time runs at 3 events/s so the stream crosses trading dates
sim_args=(--symbols BTCUSDT,ETHUSDT,SOLUSDT --rate 3 --duration 30d --seed 11
  --duplicates 0.01 --late 0.01 --out-of-order 0.01 --invalid 0.002)
echo "${sim_args[*]}" >"$out/sim-args"
# without pipefail the pipeline's status (what `wait` reports below) is the writer's own
set +o pipefail
"$tl" simulate "${sim_args[@]}" 2>"$out/err/simulate.err" |
  perl -e '$|=1; while (<STDIN>) { print; select(undef,undef,undef,0.1) if $. % 100 == 0 }' |
  "$tl" writer --writer-id soak --flush-interval 1s --status-interval 10s \
    --ack-log "$out/acks" >"$out/res/writer.out" 2>"$out/err/writer.err" &
writer_pid=$!
set -o pipefail
echo "$writer_pid" >"$out/writer.pid"

loop_ingest() {
  local i=0
  while running; do
    i=$((i + 1))
    run ingest ingest --vendor lean "$samples/lean/equity/usa/tick/ibm"
    run ingest ingest --vendor tardis "$samples/tardis/tardis_trades.csv" "$samples/tardis/tardis_quotes.csv"
    if ((i % 3 == 0)); then # the same content under a new path: duplicates in Bronze
      mkdir -p "$out/incoming/copy$i"
      cp "$samples/tardis/tardis_trades.csv" "$out/incoming/copy$i/"
      mkdir -p "$out/incoming/lean$i/ibm"
      cp "$samples/lean/equity/usa/tick/ibm/20131011_trade.zip" "$out/incoming/lean$i/ibm/"
      run ingest ingest --vendor tardis "$out/incoming/copy$i/tardis_trades.csv"
      run ingest ingest --vendor lean "$out/incoming/lean$i/ibm"
    fi
    sleep 40
  done
}
loop_compact() { while running; do run "compact$1" compact; sleep 3; done; }
loop_gold() { while running; do run bars bars; run quality quality; sleep 4; done; }
loop_export() {
  local i=0
  while running; do
    i=$((i + 1))
    local d="$out/exports/ibm$i"
    run export export --profile pandas --table silver.trades --symbols IBM \
      --from 2013-10-11 --to 2013-10-11 --out "$d" && run export-verify export verify "$d"
    d="$out/exports/bars$i"
    run export export --profile r --table gold.bars --symbols BTCUSDT \
      --from 2020-02-22 --to 2020-02-23 --out "$d" && run export-verify export verify "$d"
    sleep 5
  done
}
loop_dims() {
  local i=0
  sleep 30
  while running; do
    i=$((i + 1))
    case $((i % 3)) in
      1) run dims dims load-symbols --lean-map-files "$out/map-renamed" ;;
      2) run dims dims load-symbols --lean-map-files "$out/map-orig" ;;
      0) run dims dims load-symbols --crypto-csv "$out/crypto-a.csv" ;;
    esac
    sleep 45
  done
}
loop_expire() { while running; do run expire expire --older-than 1ms --retain-last 1; sleep 5; done; }
loop_orphans() { while running; do run orphans orphans --older-than 1m --delete; sleep 7; done; }
loop_sql() {
  local tables="bronze.trades bronze.quotes silver.trades silver.quotes gold.bars gold.quality_daily ops.quarantine ops.ingest_manifest ops.compaction_log ref.dim_symbol ref.exchange"
  local q="" t
  for t in $tables; do q="$q${q:+ union all }select '$t' as t, count(*) as n from $t"; done
  while running; do
    run sql sql --format csv -c "$q"
    run sql-asof sql --as-of "$(date -u -d '-20 seconds' +%Y-%m-%dT%H:%M:%SZ)" --format csv -c "$q"
    run sql-sum sql --format csv -c "select symbol, count(*), sum(size) from silver.trades group by 1 order by 1"
    sleep 2
  done
}

# sql whose WHERE on trading_date/exchange prunes the files planned, next to the same query
# written so that nothing prunes (a function of the column), both pinned to one snapshot of
# silver.trades (the ids go to where-pairs; soak-check compares the answers when both ran)
loop_sql_where() {
  local queries=(
    "select exchange, count(*) as n, sum(size) as s from silver.trades where trading_date = '2013-10-11' group by 1 order by 1|select exchange, count(*) as n, sum(size) as s from silver.trades where cast(trading_date as varchar) = '2013-10-11' group by 1 order by 1"
    "select trading_date, count(*) as n, sum(size) as s from silver.trades where trading_date between date '2020-02-22' and date '2020-02-24' and exchange = 'binance-futures' group by 1 order by 1|select trading_date, count(*) as n, sum(size) as s from silver.trades where cast(trading_date as varchar) between '2020-02-22' and '2020-02-24' and lower(exchange) = 'binance-futures' group by 1 order by 1"
    "select symbol, count(*) as n, sum(bid_size) as b from silver.quotes where exchange in ('binance-futures') and (trading_date = date '2020-02-23' or trading_date > '2020-02-25') group by 1 order by 1|select symbol, count(*) as n, sum(bid_size) as b from silver.quotes where lower(exchange) in ('binance-futures') and (cast(trading_date as varchar) = '2020-02-23' or cast(trading_date as varchar) > '2020-02-25') group by 1 order by 1"
    "select count(*) as n, sum(size) as s from bronze.trades where trading_date >= '2020-02-23' and exchange = 'binance-futures'|select count(*) as n, sum(size) as s from bronze.trades where cast(trading_date as varchar) >= '2020-02-23' and lower(exchange) = 'binance-futures'"
    "select symbol, count(*) as n, sum(volume) as v from gold.bars where trading_date in ('2020-02-22', '2020-02-23') group by 1 order by 1|select symbol, count(*) as n, sum(volume) as v from gold.bars where cast(trading_date as varchar) in ('2020-02-22', '2020-02-23') group by 1 order by 1"
  )
  local i=0 q snap a
  while running; do
    q="${queries[$((i % ${#queries[@]}))]}"
    i=$((i + 1))
    snap=$("$tl" snapshots silver.trades --format json 2>/dev/null |
      python3 -c 'import json,sys; s=json.load(sys.stdin); print(s[-1]["snapshot_id"] if s else "")' 2>/dev/null)
    if [[ -z "$snap" ]]; then sleep 2; continue; fi
    run sql-where sql --as-of "$snap" --format csv -c "${q%%|*}"
    a="$last_id"
    run sql-where sql --as-of "$snap" --format csv -c "${q#*|}"
    echo "$a $last_id" >>"$out/where-pairs"
    run sql-where sql --format csv -c "${q%%|*}"
    sleep 2
  done
}

pids=()
loop_sql_where & pids+=($!)
loop_ingest & pids+=($!)
loop_compact a & pids+=($!)
loop_compact b & pids+=($!)
loop_gold & pids+=($!)
loop_export & pids+=($!)
loop_dims & pids+=($!)
loop_expire & pids+=($!)
loop_orphans & pids+=($!)
loop_sql & pids+=($!)
wait "${pids[@]}"

# stop the writer cleanly and let it flush (simulate then stops by itself: its reader is gone)
kill -TERM "$writer_pid"
wait "$writer_pid"
echo "$?" >"$out/writer.rc"
wait

run final compact
run final bars
run final quality
run final orphans --older-than 0
run final expire --older-than 1ms --retain-last 1 --dry-run
echo "soak: $(wc -l <"$log") commands; log $log; checking invariants" >&2
python3 "$root/tests/scripts/soak-check.py" "$out"
