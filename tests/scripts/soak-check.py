#!/usr/bin/env python3
"""Invariants after tests/scripts/soak.sh: soak-check.py OUT_DIR (prints findings, exit 1 on any).

- every command exited 0 or with a documented clean code (5 = lost a race, retry; 6 for an
  --as-of time whose snapshots were expired, or an export of data not there yet); no internal
  error, no stack trace; the writer exited 0 after SIGTERM;
- every table reads (a count over each) and every kept snapshot of every table reads;
- per Silver partition (ops.compaction_log's latest row): rows in = out + duplicates +
  quarantined, out = the Silver rows, quarantined = its error rows in ops.quarantine, and, after
  `compact --all` at the current Bronze snapshot, rows in = the Bronze rows;
- `compact --all` (same Bronze) gives every partition the digest it had;
- every event the writer acknowledged (ack log) is in Bronze, exactly once per WAL entry, and
  every distinct one is in Silver or quarantined.

A run with --debug (OUT_DIR/debug; every command ran with TICKLAKE_DEBUG=1) keeps stack traces in
err/. What debugging adds to a clean command is set aside before the checks above: the trace
printed under the command's own one-sentence error (`ticklake: Cannot ...`, not an internal
error) and the warnings of Iceberg and the SQLite driver, which a run without it does not print.
An internal error's trace is kept, and is a problem as before.
"""
import glob
import json
import os
import re
import subprocess
import sys

out = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tl = os.path.join(root, "bin", "ticklake")
env = dict(os.environ, TICKLAKE_WAREHOUSE=os.path.join(out, "warehouse"))
problems = []
debug = os.path.exists(os.path.join(out, "debug"))
TRACE_LINE = re.compile(r"^(\tat |\t*\.\.\. \d+ more|\t*Caused by: |\t*Suppressed: |\t+at )")
EXCEPTION_LINE = re.compile(r"^[\w.$]+(Exception|Error|Throwable)(: |$)")
QUIET_UNLESS_DEBUG = re.compile(r"^\[WARN\] org\.apache\.iceberg\.|^\[(WARN|ERROR)\] org\.sqlite\.SQLiteJDBCLoader")


def without_debug_output(err):
    """err as a run without TICKLAKE_DEBUG would have printed it (unchanged unless --debug)."""
    if not debug:
        return err
    kept = []
    skipping = False
    after_clean_error = False
    for line in err.splitlines(keepends=True):
        if skipping and (TRACE_LINE.match(line) or EXCEPTION_LINE.match(line)):
            continue
        skipping = False
        if QUIET_UNLESS_DEBUG.match(line):
            skipping = True
            continue
        if after_clean_error and line.startswith("io.ticklake.catalog.TicklakeException"):
            skipping = True
            after_clean_error = False
            continue
        after_clean_error = line.startswith("ticklake: ") and not line.startswith("ticklake: internal error")
        kept.append(line)
    return "".join(kept)


def ticklake(*args, check=True):
    p = subprocess.run([tl, *args], capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        problems.append(f"ticklake {' '.join(args)} exited {p.returncode}: {p.stderr.strip()[:500]}")
    return p


def sql(query, *opts):
    p = ticklake("sql", *opts, "--format", "json", "-c", query)
    return json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else []


# 1. exit codes and stderr
counts = {}
for line in open(os.path.join(out, "commands.log")):
    start, end, ident, rc, *cmd = line.split(" ", 4)
    loop = ident.rsplit(".", 1)[0]
    rc = int(rc)
    counts[(loop, rc)] = counts.get((loop, rc), 0) + 1
    err_file = os.path.join(out, "err", ident + ".err")
    err = without_debug_output(open(err_file).read()) if os.path.exists(err_file) else ""
    if "\tat " in err or "internal error" in err:
        problems.append(f"{ident} ({' '.join(cmd).strip()}): stack trace or internal error: {err.strip()[:400]}")
    ok = rc == 0
    if rc == 5 and loop in ("compacta", "compactb", "bars", "quality", "dims", "expire", "export", "sql", "sql-sum", "sql-asof", "sql-where"):
        ok = True
    if rc == 6 and loop in ("sql-asof", "sql-where") and ("were expired" in err or "Cannot find snapshot" in err):
        ok = True
    if rc == 6 and loop == "export-verify" and "no longer exists (expired?)" in err:
        ok = True  # README: export verify cannot re-read an export pinned to an expired snapshot
    if rc == 6 and loop == "export" and re.search(r"has no data|unknown symbol|no rows", err):
        ok = True
    if not ok:
        problems.append(f"{ident} ({' '.join(cmd).strip()}) exited {rc}: {err.strip()[:400]}")
# sql with a pruning WHERE on trading_date/exchange against the same query that prunes nothing,
# both pinned to one snapshot (tests/scripts/soak.sh's loop_sql_where)
pairs_file = os.path.join(out, "where-pairs")
compared = 0
rcs = {}
for line in open(os.path.join(out, "commands.log")):
    parts = line.split(" ", 4)
    rcs[parts[2]] = int(parts[3])
if os.path.exists(pairs_file):
    for line in open(pairs_file):
        a, b = line.split()
        if rcs.get(a) == 0 and rcs.get(b) == 0:
            compared += 1
            ra = open(os.path.join(out, "res", a + ".out")).read()
            rb = open(os.path.join(out, "res", b + ".out")).read()
            if ra != rb:
                problems.append(f"pruned sql {a} answered {ra.strip()[:300]!r}, unpruned {b} {rb.strip()[:300]!r}")
print(f"pruned vs unpruned sql pairs compared: {compared}")
print("commands by loop and exit code:")
for (loop, rc), n in sorted(counts.items()):
    print(f"  {loop:14s} exit {rc}: {n}")
print(f"  total: {sum(counts.values())}")
writer_rc = open(os.path.join(out, "writer.rc")).read().strip()
writer_err = without_debug_output(open(os.path.join(out, "err", "writer.err")).read())
if writer_rc != "0" or "\tat " in writer_err or "internal error" in writer_err:
    problems.append(f"writer exited {writer_rc}: {writer_err.strip()[-600:]}")
print("writer:", writer_err.strip().splitlines()[-1] if writer_err.strip() else "(no output)")

# 2. every table and every kept snapshot reads
tables = [t["table"] for t in json.loads(ticklake("tables", "--format", "json").stdout)]
for t in tables:
    snaps = json.loads(ticklake("snapshots", t, "--format", "json").stdout or "[]")
    # the oldest, the newest and a few between: each read opens every live file of its snapshot
    for s in snaps[:: max(1, len(snaps) // 4)] + snaps[-1:]:
        ticklake("sql", "--as-of", str(s["snapshot_id"]), "-c", f"select count(*) from {t}")
rows = {t: sql(f"select count(*) as n from {t}")[0]["n"] for t in tables}
print("rows:", json.dumps(rows))


# 3. conservation per Silver partition
def partitions():
    log = sql(
        "select target_table, exchange, cast(trading_date as varchar) as d, markers from ops.compaction_log"
        " qualify row_number() over (partition by target_table, exchange, trading_date order by committed_at desc, snapshot_id desc) = 1"
    )
    return {(r["target_table"], r["exchange"], r["d"]): json.loads(r["markers"]) for r in log}


def conservation(parts, against_bronze):
    for (table, ex, d), m in sorted(parts.items()):
        where = f"exchange = '{ex}' and trading_date = date '{d}'"
        n_in, n_out = int(m["ticklake.rows-in"]), int(m["ticklake.rows-out"])
        dup, q = int(m["ticklake.duplicates"]), int(m["ticklake.quarantined"])
        if n_in != n_out + dup + q:
            problems.append(f"{table} {ex}/{d}: rows in {n_in} != out {n_out} + duplicates {dup} + quarantined {q}")
        silver = sql(f"select count(*) as n from {table} where {where}")[0]["n"]
        unpruned = sql(
            f"select count(*) as n from {table} where cast(trading_date as varchar) = '{d}'"
            f" and lower(exchange) = '{ex}'"
        )[0]["n"]
        if silver != unpruned:
            problems.append(f"{table} {ex}/{d}: {silver} rows with a pruning WHERE, {unpruned} without")
        if silver != n_out:
            problems.append(f"{table} {ex}/{d}: {silver} Silver rows, the compaction says {n_out} out")
        quar = sql(
            f"select count(*) as n from ops.quarantine where source_table = '{table}' and stage = 'compact'"
            f" and severity = 'error' and {where}"
        )[0]["n"]
        if quar != q:
            problems.append(f"{table} {ex}/{d}: {quar} rows in ops.quarantine, the compaction says {q}")
        if against_bronze:
            bronze = sql(f"select count(*) as n from {table.replace('silver.', 'bronze.')} where {where}")[0]["n"]
            if bronze != n_in:
                problems.append(f"{table} {ex}/{d}: {bronze} Bronze rows, the compaction read {n_in}")


before = partitions()
conservation(before, against_bronze=False)
ticklake("compact", "--all")
after = partitions()
conservation(after, against_bronze=True)
for key, m in sorted(before.items()):
    if key not in after:
        problems.append(f"{key}: missing after compact --all")
    elif after[key]["ticklake.digest"] != m["ticklake.digest"]:
        problems.append(f"{key}: digest {m['ticklake.digest']} before, {after[key]['ticklake.digest']} after compact --all")
print(f"Silver partitions: {len(after)}; rows in {sum(int(m['ticklake.rows-in']) for m in after.values())}")

# 4. acknowledged events
acks = [int(l.split()[1]) for l in open(os.path.join(out, "acks")) if l.startswith("ack ")]
acked = max(acks) if acks else -1
sim_args = open(os.path.join(out, "sim-args")).read().split()
stream = subprocess.Popen([tl, "simulate", *sim_args], stdout=subprocess.PIPE, text=True, env=env)
expected = {"trade": set(), "quote": set()}
for line in stream.stdout:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("seq", 0) > acked:
        break
    if isinstance(e, dict) and all(k in e for k in ("type", "exchange", "symbol", "ts")) and not isinstance(e["ts"], bool):
        expected[e["type"]].add(e["seq"])
stream.kill()
for kind, table in (("trade", "trades"), ("quote", "quotes")):
    bronze = sql(
        f"select vendor_seq as s, count(*) as n, count(distinct wal_seq) as w from bronze.{table}"
        " where writer_id = 'soak' group by 1"
    )
    seqs = {r["s"] for r in bronze}
    doubled = [r["s"] for r in bronze if r["n"] != r["w"]]
    missing = expected[kind] - seqs
    if missing:
        problems.append(f"bronze.{table}: {len(missing)} acknowledged events missing, e.g. seq {sorted(missing)[:5]}")
    if doubled:
        problems.append(f"bronze.{table}: {len(doubled)} WAL entries committed twice, e.g. seq {doubled[:5]}")
    silver = {r["s"] for r in sql(f"select distinct vendor_seq as s from silver.{table} where writer_id = 'soak'")}
    rejected = {
        r["s"]
        for r in sql(
            f"select distinct b.vendor_seq as s from bronze.{table} b join ops.quarantine q"
            f" on q.writer_id = b.writer_id and q.wal_seq = b.wal_seq and q.source_table = 'silver.{table}'"
            " and q.stage = 'compact' and q.severity = 'error' where b.writer_id = 'soak'"
        )
    }
    lost = expected[kind] - silver - rejected
    if lost:
        problems.append(f"silver.{table}: {len(lost)} acknowledged events neither in Silver nor quarantined, e.g. {sorted(lost)[:5]}")
    print(f"{table}: {len(expected[kind])} acknowledged events (seq <= {acked}), {len(seqs)} distinct in Bronze")

for p in problems:
    print("PROBLEM:", p)
print(f"soak-check: {len(problems)} problems")
sys.exit(1 if problems else 0)
