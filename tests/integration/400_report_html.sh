#!/usr/bin/env bash
# 400_report_html: demo data (20 000 rows) settled for 2025Q4; `report
# --format html` of a statement is well-formed HTML, self-contained (no
# external resource, no script), accessible (caption, th scope, an SVG
# with role=img and a title), and shows the total in pounds.  When
# /usr/bin/chromium exists, the page is rendered headless: the DOM has the
# title and the total, and a screenshot is not blank.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PERIOD=2025Q4
migrate
assert_exit 0 "$PBR" demo-data --members 20000 --seed 1
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period "$PERIOD" --out "$OUT"
X=$OUT/CRC08-$PERIOD-1.xml
[ -s "$X" ] || die "no statement $X"

H=$TMP/CRC08.html
assert_exit 0 "$PBR" report "$X" --format html --out "$H"
assert_true "report wrote $H" test -s "$H"
# well-formed for an HTML parser (HTML5 element names are only warnings)
xmllint --html --noout "$H" >"$TMP/lint.out" 2>&1
errors=$(grep 'parser error' "$TMP/lint.out" | grep -v -c -E 'Tag [A-Za-z]+ invalid' || true)
assert_eq 0 "$errors" "xmllint --html errors (HTML5 tags aside)"
[ "$errors" -eq 0 ] || sed 's/^/    /' "$TMP/lint.out" | head -20

total=$(sx "$X" Cohort/TotalPence)
assert_true "CRC08 is paid something ($total pence)" test "$total" -gt 0
# the page groups thousands with commas
pounds=$(printf '%d' $((total / 100)) | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
pounds="£$pounds.$(printf '%02d' $((total % 100)))"
printf 'statement total %s pence = %s\n' "$total" "$pounds"
assert_true "the HTML shows the total $pounds" grep -qF "$pounds" "$H"
assert_true "title names the statement" grep -q "<title>Settlement statement CRC08-$PERIOD-1</title>" "$H"
assert_true "no external resource" sh -c "! grep -Eiq '(src|href)=\"(https?:)?//' '$H'"
assert_true "no script" sh -c "! grep -qi '<script' '$H'"
assert_true "tables have captions" grep -q '<caption>' "$H"
assert_true "header cells have scope" grep -q '<th scope="' "$H"
assert_true "the chart is an image with a title" grep -q 'role="img"' "$H"

# ---- a real browser, when there is one ---------------------------------------
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
	skip "chromium not installed ($CHROMIUM): the page is not rendered"
else
	chr() {
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
			--disable-background-networking --disable-component-update \
			--disable-sync --no-first-run --user-data-dir="$TMP/chr" "$@"
	}
	chr --dump-dom "file://$H" >"$TMP/dom.html" 2>"$TMP/chr.err"
	assert_true "chromium rendered a DOM" test -s "$TMP/dom.html"
	assert_true "the DOM has the title" grep -q "<title>Settlement statement CRC08-$PERIOD-1</title>" "$TMP/dom.html"
	assert_true "the DOM shows the total $pounds" grep -qF "$pounds" "$TMP/dom.html"
	chr --screenshot="$TMP/x.png" --window-size=1200,1600 "file://$H" >/dev/null 2>>"$TMP/chr.err"
	assert_true "chromium made a screenshot" test -s "$TMP/x.png"
	size=$(stat -c %s "$TMP/x.png" 2>/dev/null || echo 0)
	printf 'screenshot %s bytes\n' "$size"
	assert_true "the screenshot is not blank (> 5 KB)" test "$size" -gt 5120
	if command -v python3 >/dev/null 2>&1; then
		colours=$(python3 "$DATA/oversight_png_colours.py" "$TMP/x.png" 2>/dev/null || echo 0)
		printf 'screenshot distinct colours: %s\n' "$colours"
		assert_true "the screenshot has more than one colour" test "${colours:-0}" -gt 1
	else
		skip "python3 not installed: the screenshot's colours are not counted"
	fi
fi

finish
