#!/usr/bin/env bash
# 418_report_layout: the HTML pages are laid out for people (issue 11
# finding 15).  Demo data settled for four periods; the statement pages of
# the contracts with the longest PCC names (HANTS "Hampshire and Isle of
# Wight", MET "Metropolitan Police (MOPAC)"), the PCC view of HANTS and the
# index are rendered by headless Chromium at 1280 px and at a print width
# of 800 px with tests/data/layout_check.js, which reports any table wider
# than the page, any chart text clipped at the chart's edge, and any value
# label lying on a line of the trend chart.  Also: counts agree with their
# nouns ("1 row", never "1 rows").
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium
migrate
assert_exit 0 "$PBR" demo-data --members 20000 --seed 1
OUT=$TMP/out
R=$TMP/reports
mkdir -p "$OUT" "$R"
# SPEC 11: December 2024 caps the 2024 PbR reconciliation (2026Q3)
assert_exit 0 "$PBR" run --unsigned --month 2024-12 --out "$OUT"
for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	assert_exit 0 "$PBR" run --unsigned --period "$p" --out "$OUT"
done
contract_of() { q "SELECT c.id FROM pbr.contract c JOIN pbr.pcc_area p ON p.cpa_code = c.cpa_code WHERE p.code = '$1'"; }
HANTS=$(contract_of HANTS)
MET=$(contract_of MET)
[ -n "$HANTS" ] && [ -n "$MET" ] || die "demo data without HANTS or MET"
pages=()
for id in "$HANTS-2026Q3-1" "$MET-2026Q3-1" "$MET-2025Q4-1"; do
	assert_exit 0 "$PBR" report "$OUT/$id.xml" --format html --out "$R/$id.html"
	pages+=("$R/$id.html")
done
assert_exit 0 "$PBR" report --pcc HANTS --from 2025Q4 --to 2026Q3 --format html --out "$R/pcc-HANTS.html"
assert_exit 0 "$PBR" report --pcc MET --from 2025Q4 --to 2026Q3 --format html --out "$R/pcc-MET.html"
assert_exit 0 "$PBR" report --index "$OUT" --out "$R/index.html"
pages+=("$R/pcc-HANTS.html" "$R/pcc-MET.html" "$R/index.html")

# ---- words: a count agrees with its noun ---------------------------------------
one=$(grep -l '<Rejected>1</Rejected>' "$OUT"/*.xml | head -1)
if [ -n "$one" ]; then
	assert_exit 0 "$PBR" report "$one" --format html --out "$TMP/one.html"
	assert_true "$(basename "$one"): '1 row rejected'" grep -q '1 row rejected' "$TMP/one.html"
	assert_true "$(basename "$one"): never '1 rows'" sh -c "! grep -Eq '(^|[^0-9,])1 rows' '$TMP/one.html'"
else
	fail "no demo statement with exactly one rejected row"
fi
for f in "${pages[@]}"; do
	assert_true "$(basename "$f"): never '1 rows'" sh -c "! grep -Eq '(^|[^0-9,])1 rows' '$f'"
done

# ---- layout in a real browser ---------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
	skip "chromium not installed ($CHROMIUM): the layout is not checked"
	finish
fi
check() { # PAGE WIDTH
	local copy
	copy=$(dirname "$1")/check-$2-$(basename "$1")
	cp "$DATA/layout_check.js" "$(dirname "$1")/layout_check.js"
	sed 's#</body>#<script src="layout_check.js"></script></body>#' "$1" >"$copy"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$TMP/chr" --window-size="$2,2000" \
		--virtual-time-budget=5000 --dump-dom "file://$copy" 2>/dev/null |
		sed -n '/<pre id="layout-check">/,/<\/pre>/p' | sed 's/<[^>]*>//g'
}
for f in "${pages[@]}"; do
	for w in 1280 800; do
		got=$(check "$f" "$w")
		assert_eq OK "$got" "$(basename "$f") at $w px: no table wider than the page, no clipped or overprinted label"
	done
done

finish
