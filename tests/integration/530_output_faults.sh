#!/usr/bin/env bash
# 530_output_faults: the output directory is missing, read-only, or full.
# Each run ends with one clear line, exit 73 or 74, nothing at a final name
# and no ledger row; the same run then succeeds where there is room.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

migrate
"$PBR" demo-data --members 20000 --seed 5 >/dev/null || die "demo-data"
q "UPDATE pbr.tariff SET max_reject_ppm = 200000" >/dev/null
tried=0
ledger() { q "SELECT count(*) FROM pbr.settlement"; }

# missing
assert_exit 73 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/no/such/dir"
assert_match "does not exist" "$(cat "$LAST_ERR")" "missing dir: says so"
tried=$((tried + 1))
# a regular file where the directory should be
: >"$TMP/file"
assert_exit 73 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/file"
tried=$((tried + 1))

mounted=()
cleanup() { for m in "${mounted[@]}"; do umount "$m" 2>/dev/null; done; }
trap cleanup EXIT
if [ "$(id -u)" -eq 0 ] && mkdir -p "$TMP/ro" && mount -t tmpfs -o ro,size=1m tmpfs "$TMP/ro" 2>/dev/null; then
	mounted+=("$TMP/ro")
	assert_exit 73 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/ro"
	assert_eq 1 "$(wc -l <"$LAST_ERR" | tr -d ' ')" "read-only: one line on stderr"
	tried=$((tried + 1))

	# full: 24 KiB holds a few annexes, not all 21 contracts' files
	mkdir -p "$TMP/full"
	mount -t tmpfs -o size=24k tmpfs "$TMP/full" && mounted+=("$TMP/full")
	"$PBR" run --unsigned --period 2025Q4 --out "$TMP/full" >"$TMP/full.out" 2>"$TMP/full.err"
	rc=$?
	tried=$((tried + 1))
	case $rc in 73 | 74) assert_eq ok ok "full disk: exit $rc" ;; *) fail "full disk: exit $rc, expected 73 or 74" ;; esac
	assert_eq 1 "$(grep -vc 'warning:' "$TMP/full.err")" "full disk: one error line ($(grep -v 'warning:' "$TMP/full.err"))"
	assert_match "No space left" "$(cat "$TMP/full.err")" "full disk: says why"
	assert_eq 0 "$(find "$TMP/full" -type f | wc -l | tr -d ' ')" "full disk: no file left behind, temporary or final"
	assert_eq 0 "$(ledger)" "full disk: no ledger row"
else
	skip "cannot mount a tmpfs here (needs root): the read-only and full-disk cases"
fi
assert_eq 0 "$(ledger)" "no ledger row after any output fault"
mkdir -p "$TMP/ok"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/ok"
assert_eq 21 "$(ledger)" "then the run settles all 21 contracts"
echo "output faults tried: $tried"
finish
