#!/usr/bin/env bash
# Builds a demo warehouse with some flawed extra data (a partial re-delivery of the IBM file,
# bad prints and a price spike), writes the quality report and screenshots it in headless
# Chromium (Debian package `chromium`).
#
#   tests/scripts/render-quality-report.sh [OUT_DIR] [--save]
#
# OUT_DIR defaults to target/quality-report. --save copies the screenshot to
# docs/images/quality-report.png. Reads nothing outside the repository; no network.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/target/quality-report"
save=0
for arg in "$@"; do
  case "$arg" in
    --save) save=1 ;;
    *) out="$arg" ;;
  esac
done
chromium_bin="${CHROMIUM:-$(command -v chromium || true)}"
if [[ -z "$chromium_bin" ]]; then
  echo "render-quality-report: chromium not found (apt-get install -y chromium)" >&2
  exit 2
fi

rm -rf "$out"
mkdir -p "$out"
wh="$out/warehouse"
tl="$root/bin/ticklake"

"$tl" demo --warehouse "$wh" >"$out/demo.log"

# Extra IBM file: lines 2000-4999 of the vendor file again (re-deliveries), three rejected
# prints (price 0, size 0, 00:00:01 New York is outside every session) and one price spike.
sample="$root/bronze-writer/src/main/resources/io/ticklake/bronze/sample/lean/equity/usa/tick/ibm/20131011_trade.zip"
extra="$out/extra/equity/usa/tick/ibm"
mkdir -p "$extra" "$out/unzip"
unzip -q -o "$sample" -d "$out/unzip"
{
  sed -n '2000,4999p' "$out/unzip/20131011_ibm_Trade_Tick.csv"
  echo "36000000,0,100,P,0,0"
  echo "36000001,1850000,0,P,0,0"
  echo "1000,1850000,100,P,0,0"
  echo "45000000,2200000,100,P,0,0"
} >"$extra/20131011_ibm_Trade_Tick.csv"
(cd "$extra" && zip -q 20131011_trade.zip 20131011_ibm_Trade_Tick.csv && rm 20131011_ibm_Trade_Tick.csv)
"$tl" ingest --warehouse "$wh" --vendor lean "$out/extra" >"$out/ingest.log"
"$tl" compact --warehouse "$wh" --table trades >"$out/compact.log"
"$tl" quality --warehouse "$wh" | tee "$out/quality.txt"
"$tl" quality --warehouse "$wh" --html "$out/quality-report.html"

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
(cd "$out" && "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --screenshot="$out/quality-report.png" --window-size=1400,2000 \
  "file://$out/quality-report.html" >"$out/chromium.log" 2>&1)
bytes=$(stat -c %s "$out/quality-report.png")
echo "screenshot $out/quality-report.png ($bytes bytes)"
if [[ "$bytes" -lt 20000 ]]; then
  echo "render-quality-report: the screenshot is suspiciously small" >&2
  exit 1
fi
if [[ "$save" == 1 ]]; then
  cp "$out/quality-report.png" "$root/docs/images/quality-report.png"
  echo "saved docs/images/quality-report.png"
fi
