#!/usr/bin/env bash
# Checks that a real Trino server reads ticklake's tables as ticklake does: fetches the Trino
# server tarball from Maven Central (once, into a cache folder), writes an Iceberg catalog for a
# fresh warehouse, starts Trino on a free loopback port, runs TrinoInteropTest (which builds that
# warehouse and compares Trino's answers with DuckDB's) and stops the server, also on failure.
#
#   tests/scripts/trino-interop.sh [--keep] [extra mvn args...]
#
# --keep leaves the work folder (warehouse, Trino's etc/ and logs) for inspection; the server is
# stopped either way.
#
# Environment:
#   TRINO_JAVA_HOME   a JDK 24 or newer for the server (Trino 476 needs Java 24+); default: the
#                     newest JDK >= 24 under /usr/lib/jvm (e.g. Temurin 25)
#   TICKLAKE_TRINO_CACHE  where the unpacked server is kept (default ~/.cache/ticklake/trino);
#                     the tarball (821 MB) stays in the local Maven repository as well
#   MAVEN_OPTS        passed to Maven as usual (e.g. -Dmaven.repo.local=...)
#
# Versions come from the root pom: dep.trino.version (server and JDBC driver) and
# dep.sqlite.version (the SQLite JDBC driver put into Trino's iceberg plugin, which lacks one).
# Exit status: 0 the test passed, 1 it failed, 2 setup failed.
set -euo pipefail

die() { echo "trino-interop: $*" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
keep=0
if [[ ${1:-} == --keep ]]; then keep=1; shift; fi

pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -1
}
trino_version=$(pom_property dep.trino.version)
sqlite_version=$(pom_property dep.sqlite.version)
[[ -n $trino_version && -n $sqlite_version ]] \
  || die "cannot read dep.trino.version / dep.sqlite.version from $root/pom.xml"

# --- a JDK 24+ for the server ------------------------------------------------------------------
java_feature() { # the feature version of the JDK at $1, or nothing
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
java_home=${TRINO_JAVA_HOME:-}
if [[ -z $java_home ]]; then
  best=0
  for d in /usr/lib/jvm/*; do
    [[ -x $d/bin/java && ! -L $d ]] || continue
    v=$(java_feature "$d" || true)
    if [[ -n $v && $v -ge 24 && $v -gt $best ]]; then best=$v; java_home=$d; fi
  done
fi
[[ -n $java_home ]] || die "no JDK 24 or newer under /usr/lib/jvm: Trino $trino_version needs one;\
 set TRINO_JAVA_HOME to its folder"
v=$(java_feature "$java_home" || true)
[[ -n $v && $v -ge 24 ]] || die "TRINO_JAVA_HOME=$java_home is not a JDK 24 or newer (found '${v:-none}')"

# --- the server, cached -------------------------------------------------------------------------
cache=${TICKLAKE_TRINO_CACHE:-$HOME/.cache/ticklake/trino}
server=$cache/trino-server-$trino_version
mvn_q=(mvn -B -q -f "$root/pom.xml")
mvn_fetch=("${mvn_q[@]}" -N) # -N: the root pom alone, not once per module
if [[ ! -x $server/bin/launcher ]]; then
  mkdir -p "$cache"
  echo "trino-interop: fetching io.trino:trino-server:$trino_version:tar.gz (821 MB) into $cache" >&2
  start=$SECONDS
  "${mvn_fetch[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="io.trino:trino-server:$trino_version:tar.gz" -DoutputDirectory="$cache" \
    || die "cannot fetch io.trino:trino-server:$trino_version:tar.gz from Maven Central"
  rm -rf "$server.partial"
  mkdir "$server.partial"
  tar xzf "$cache/trino-server-$trino_version.tar.gz" -C "$server.partial" --strip-components=1 \
    || die "cannot unpack $cache/trino-server-$trino_version.tar.gz"
  rm -f "$cache/trino-server-$trino_version.tar.gz"
  mv "$server.partial" "$server"
  echo "trino-interop: fetched and unpacked in $((SECONDS - start)) s" >&2
fi
sqlite_jar=$server/plugin/iceberg/sqlite-jdbc-$sqlite_version.jar
if [[ ! -f $sqlite_jar ]]; then
  rm -f "$server"/plugin/iceberg/sqlite-jdbc-*.jar
  "${mvn_fetch[@]}" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.xerial:sqlite-jdbc:$sqlite_version" -DoutputDirectory="$server/plugin/iceberg" \
    || die "cannot fetch org.xerial:sqlite-jdbc:$sqlite_version"
fi

# --- configuration: a single node on loopback, one Iceberg catalog ------------------------------
work=$(mktemp -d /tmp/ticklake-trino.XXXXXX)
warehouse=$work/warehouse
port=""
for p in $(seq 18080 18180); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[[ -n $port ]] || die "no free port in 18080-18180"

mkdir -p "$work/etc/catalog" "$work/data"
cat >"$work/etc/node.properties" <<EOF
node.environment=ticklake_interop
node.id=ticklake-interop
node.data-dir=$work/data
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
EOF
cat >"$work/etc/jvm.config" <<EOF
-server
-Xmx2G
-XX:+UseG1GC
-XX:+ExitOnOutOfMemoryError
-Djdk.attach.allowAttachSelf=true
EOF
cat >"$work/etc/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$port
discovery.uri=http://127.0.0.1:$port
EOF
# The catalog exactly as README ("Querying from other engines", Trino) gives it.
cat >"$work/etc/catalog/ticklake.properties" <<EOF
connector.name=iceberg
iceberg.catalog.type=jdbc
iceberg.jdbc-catalog.driver-class=org.sqlite.JDBC
iceberg.jdbc-catalog.connection-url=jdbc:sqlite:$warehouse/catalog.db
iceberg.jdbc-catalog.catalog-name=ticklake
iceberg.jdbc-catalog.default-warehouse-dir=$warehouse
fs.hadoop.enabled=true
iceberg.security=read_only
EOF

launcher=("$server/bin/launcher" -etc-dir "$work/etc" -data-dir "$work/data")
stop() {
  JAVA_HOME=$java_home PATH="$java_home/bin:$PATH" "${launcher[@]}" stop >/dev/null 2>&1 || true
  if [[ $keep -eq 1 ]]; then
    echo "trino-interop: kept $work (server log: $work/data/var/log/server.log)" >&2
  else
    rm -rf "$work"
  fi
}
trap stop EXIT

echo "trino-interop: starting Trino $trino_version with $java_home on 127.0.0.1:$port" >&2
start=$SECONDS
JAVA_HOME=$java_home PATH="$java_home/bin:$PATH" "${launcher[@]}" start >/dev/null \
  || die "the launcher could not start Trino"
log=$work/data/var/log/server.log
until curl -sf "http://127.0.0.1:$port/v1/info" 2>/dev/null | grep -q '"starting":false'; do
  if ! JAVA_HOME=$java_home "${launcher[@]}" status >/dev/null 2>&1; then
    tail -n 40 "$log" >&2 || true
    die "Trino exited while starting (log above)"
  fi
  ((SECONDS - start < 180)) || { tail -n 40 "$log" >&2 || true; die "Trino did not start in 180 s"; }
  sleep 1
done
echo "trino-interop: Trino up in $((SECONDS - start)) s" >&2

report=$root/tests/target/surefire-reports/io.ticklake.tests.TrinoInteropTest-output.txt
rm -f "$report"
start=$SECONDS
status=0
"${mvn_q[@]}" -Pinterop -pl tests -am verify -Dspotless.check.skip=true \
  -Dticklake.trino.url="jdbc:trino://127.0.0.1:$port" \
  -Dticklake.trino.warehouse="$warehouse" "$@" || status=1
[[ -f $report ]] && cat "$report"
echo "trino-interop: test run took $((SECONDS - start)) s; $([[ $status -eq 0 ]] && echo passed || echo FAILED)" >&2
exit $status
