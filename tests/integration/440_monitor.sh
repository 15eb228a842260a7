#!/usr/bin/env bash
# 440_monitor: the parking and cherry-picking monitor of every statement
# (docs/STATEMENT.md, "The monitor").  tests/data/monitor_ref.sql builds six
# contracts in six CPAs with exact member counts (generate_series):
#   MONA clean data, no flag; MONB NEEDS_MIX_DRIFT; MONC RISK_DRIFT;
#   MOND EASY_CASES_ONLY; MONN the three thresholds hit exactly (only
#   EASY_CASES_ONLY, which is ">=", is raised); MONE a contract's first
#   cohort (Baseline cohorts="0"), four members whose rate and 95 % interval
#   are worked by hand.
# A..D and N settle cohorts 2023Q3..2024Q3 as periods 2025Q2..2026Q2 in
# order (2025Q3 settles the Q4 cohort 2023Q4 and makes the part-year 2023
# reconciliation); the fifth statement's baseline is the four before it.
# The flags also show in the HTML report, and a statement without Monitor
# still renders.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Units: w bp, p ppm; b = w*(p - y*10^6).  Weights: '' / A / A+B / A+B+E
# 10 000, A+B+C 15 000 (C +5000), A+B+C+D 20 000 (10 000+5000+10 000 = the
# ceiling).  Bands: '' -> 0, A and A+B -> 1-2, A+B+C and A+B+E -> 3+.
# share = round(n_band * 10^6 / n), mean = round(Eb / W), rate = round(B / W),
# half = round(196 * isqrt(V) / (100 * W)), V = sum w^2 p (10^6 - p);
# round = half up (all of these are >= 0) except rate: half away from zero.
#
# Baseline cohorts of A..D (n band0/1-2/3+, p 400000/500000/600000):
#   2023Q3 50/30/20 = 100   2023Q4 54/28/18 = 100
#   2024Q1 46/32/22 = 100   2024Q2 51/29/23 = 103
# Fifth statement (period 2026Q2), baseline = the four: n 403,
#   bands 201 / 119 / 83:
#   share0 = 201e6/403 = 498 759.30 -> 498 759
#   share12 = 119e6/403 = 295 285.36 -> 295 285
#   share3 = 83e6/403 = 205 955.33 -> 205 955
#   W = 10000*(201+119) + 15000*83 = 3 200 000 + 1 245 000 = 4 445 000
#   Eb = 10000*(201*400000 + 119*500000) + 15000*83*600000
#      = 1 399 000 000 000 + 747 000 000 000 = 2 146 000 000 000
#   mean = 2 146 000 000 000 / 4 445 000 = 482 789.65 -> 482 790
# Earlier statements of A: 2025Q2 cohorts 0; 2025Q3 (cohort 2023Q4, W
#   10000*82 + 15000*18 = 1 090 000, Eb = 10000*(21.6e6 + 14e6) + 15000*10.8e6
#   = 518e9): current 540000/280000/180000, mean 475 229.36 -> 475 229;
#   cohorts 1, baseline = 2023Q3: 500000/300000/200000, W 1 100 000,
#   Eb 530e9, mean 481 818.18 -> 481 818.
#   2025Q4 (cohort 2024Q1, W 1 110 000, Eb 542e9): current 460000/320000/
#   220000, mean 488 288.29 -> 488 288; cohorts 2, baseline n 200:
#   104/58/38 -> 520000/290000/190000, mean 1 048e9/2 190 000 = 478 538.81
#   -> 478 539.  2026Q1 cohorts 3.
#
# A, fifth cohort: 128 members, 64 / 39 / 25:
#   shares 500 000, 39e6/128 = 304 687.5 -> 304 688, 25e6/128 = 195 312.5
#   -> 195 313 (half up); moves 1 241, 9 403, 10 642 < 100 000
#   W = 10000*103 + 15000*25 = 1 405 000
#   Eb = 10000*(64*400000 + 39*500000) + 15000*25*600000 = 676 000 000 000
#   mean = 481 138.79 -> 481 139, moved 1 651 < 50 000
#   k 24 / 18 / 14: B0 = 10000*(25.6e6 - 24e6) = 16e9, B12 = 10000*(19.5e6
#   - 18e6) = 15e9, B3 = 15000*(15e6 - 14e6) = 15e9 > 0: no EASY_CASES_ONLY
#   B = 46e9, rate = 46e9 / 1 405 000 = 32 740.2 -> 32 740
#   V = 64*10^8*2.4e11 + 39*10^8*2.5e11 + 25*2.25e8*2.4e11 = 3.861e21,
#   isqrt 62 136 945 531, half = 196*62136945531/140 500 000
#   = 12 178 841 324 076 / 140 500 000 = 86 682.14 -> 86 682:
#   interval [-53 942, 119 422] holds 0 (could be chance)
# B, fifth: 62 / 33 / 5 of 100: shares 620000 / 330000 / 50000; band 0 moved
#   121 241 and 3+ 155 955 > 100 000: NEEDS_MIX_DRIFT.  W = 950000 + 75000
#   = 1 025 000, Eb = 413e9 + 45e9 = 458e9, mean 446 829.27 -> 446 829,
#   moved 35 961: no RISK_DRIFT; B3 = 15000*(3e6 - 2e6) > 0.
# C, fifth: 50 / 30 / 20, p 460000 / 560000 / 640000: W 1 100 000,
#   Eb = 10000*(23e6 + 16.8e6) + 15000*12.8e6 = 590e9, mean 536 363.64
#   -> 536 364, moved 53 574 > 50 000: RISK_DRIFT; shares moved <= 5 955.
# D, fifth: 50 / 30 / 20, p as baseline, k 5 / 15 / 16:
#   B0 = 10000*(20e6 - 5e6) = 150e9, B12 = 10000*(15e6 - 15e6) = 0,
#   B3 = 15000*(12e6 - 16e6) = -60e9; positive sum 150e9,
#   150e9*10^6 >= 800000*150e9: EASY_CASES_ONLY.  mean 530e9/1.1e6 = 481 818,
#   moved 972.
# N: four baseline cohorts 50 / 30 / 20, all weight 10 000, p 400000 /
#   500000 / 600000: shares 500000/300000/200000, mean = (200*0.4 + 120*0.5
#   + 80*0.6)e6 / 400 = 470 000.  Fifth: 60 / 30 / 10, p 500000 / 500000 /
#   700000: shares 600000/300000/100000 (moved exactly 100 000: no flag),
#   mean (30e6 + 15e6 + 7e6)/100 = 520 000 (moved exactly 50 000: no flag);
#   k 26 / 14 / 8: B0 = 10000*(30e6 - 26e6) = 40e9, B12 = 10e9, B3 =
#   10000*(7e6 - 8e6) = -10e9; 40e9*10^6 = 800000*50e9: exactly 80 %,
#   EASY_CASES_ONLY (">=").
# E, the only cohort of MONE (2024Q3, period 2026Q2), all 3+ needs:
#   E1 w 15000 p 800000 y 0    w^2 p(10^6-p) = 2.25e8 * 1.6e11  = 3.6e19
#   E2 w 15000 p 700000 y 0                    2.25e8 * 2.1e11  = 4.725e19
#   E3 w 15000 p 900000 y 1                    2.25e8 * 9e10    = 2.025e19
#   E4 w 20000 p 600000 y 0                    4e8    * 2.4e11  = 9.6e19
#   W 65 000, Eb = 15000*2.4e6 + 20000*6e5 = 48e9, Ab = 15e9, B = 33e9
#   rate = 33e9 / 65 000 = 507 692.3 -> 507 692
#   V = 1.995e20 (needs 128 bits); isqrt(V) = 14 124 446 891, as
#   14124446891^2 = 199 499 999 976 679 565 881 <= V
#   < 14124446892^2 = 199 500 000 004 928 459 664; SE = 217 299.18 ppm;
#   half = 196 * 14 124 446 891 / (100 * 65 000) = 2 768 391 590 636 /
#   6 500 000 = 425 906.40 -> 425 906; interval [81 786, 933 598]
#   shares 0 / 0 / 1 000 000, mean 48e9 / 65 000 = 738 461.5 -> 738 462;
#   cohorts 0, no baseline: no drift flag although everything "moved".
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/monitor_ref.sql"
OUT=$TMP/out
mkdir -p "$OUT"
for P in 2025Q2 2025Q3 2025Q4 2026Q1 2026Q2; do
	assert_exit 0 "$PBR" run --unsigned --period "$P" --out "$OUT"
done

A5=$OUT/MONA-2026Q2-1.xml
B5=$OUT/MONB-2026Q2-1.xml
C5=$OUT/MONC-2026Q2-1.xml
D5=$OUT/MOND-2026Q2-1.xml
N5=$OUT/MONN-2026Q2-1.xml
E1=$OUT/MONE-2026Q2-1.xml
for f in "$A5" "$B5" "$C5" "$D5" "$N5" "$E1"; do
	[ -s "$f" ] || die "no statement $f (files: $(ls "$OUT"))"
	assert_true "$(basename "$f") validates against the XSD" valid_xsd "$f"
	assert_eq 1 "$(xcount "$f" /SettlementStatement/Monitor)" "$(basename "$f"): one Monitor"
done

M=Monitor
# flags FILE: the Flag codes, space-separated, in order
flags() {
	local i n out=
	n=$(xcount "$1" /SettlementStatement/Monitor/Flag)
	for ((i = 1; i <= n; i++)); do
		out="$out $(xmllint --xpath "string((//*[local-name()='Flag'])[$i]/@code)" "$1")"
	done
	printf '%s\n' "${out# }"
}
# shares FILE: current/baseline of 0, 1-2, 3+ and of the mean
shares() {
	local f=$1 b out=
	for b in 0 1-2 3+; do
		out="$out $(sx "$f" "$M/Baseline/NeedsBandShare[@band='$b']/@currentPpm")/$(sx "$f" "$M/Baseline/NeedsBandShare[@band='$b']/@baselinePpm")"
	done
	printf '%s mean %s/%s\n' "${out# }" \
		"$(sx "$f" "$M/Baseline/MeanPredictedBinary/@currentPpm")" \
		"$(sx "$f" "$M/Baseline/MeanPredictedBinary/@baselinePpm")"
}

# ---- thresholds, copied from pbr.monitor_threshold ------------------------------
for t in needs_mix_drift_ppm=100000 risk_drift_ppm=50000 easy_cases_share_ppm=800000; do
	assert_fig "$A5" "$M/Threshold[@name='${t%%=*}']/@ppm" "${t#*=}"
done
assert_eq 3 "$(xcount "$A5" /SettlementStatement/Monitor/Threshold)" "three Threshold elements"

# ---- (e) the first cohort of a contract, and the baseline growing ---------------
for k in 0 1 2 3; do
	per=$(printf '2025Q2 2025Q3 2025Q4 2026Q1' | cut -d' ' -f$((k + 1)))
	assert_fig "$OUT/MONA-$per-1.xml" "$M/Baseline/@cohorts" "$k"
done
assert_fig "$OUT/MONA-2025Q2-1.xml" "$M/Baseline/@statements" ""
assert_eq 0 "$(xcount "$OUT/MONA-2025Q2-1.xml" /SettlementStatement/Monitor/Flag)" "MONA-2025Q2: no flag"
assert_fig "$OUT/MONA-2025Q3-1.xml" "$M/Baseline/@statements" "MONA-2025Q2-1"
assert_eq 1 "$(xcount "$OUT/MONA-2025Q3-1.xml" /SettlementStatement/AnnualReconciliation)" "MONA-2025Q3 is the 2023 reconciliation"
assert_eq "540000/500000 280000/300000 180000/200000 mean 475229/481818" \
	"$(shares "$OUT/MONA-2025Q3-1.xml")" "MONA-2025Q3 shares and mean against one cohort"
assert_fig "$OUT/MONA-2025Q4-1.xml" "$M/Baseline/@statements" "MONA-2025Q3-1,MONA-2025Q2-1"
assert_eq "460000/520000 320000/290000 220000/190000 mean 488288/478539" \
	"$(shares "$OUT/MONA-2025Q4-1.xml")" "MONA-2025Q4 shares and mean against two cohorts"

assert_fig "$E1" "$M/Baseline/@cohorts" 0
assert_fig "$E1" "$M/Baseline/@statements" ""
assert_eq "0/0 0/0 1000000/0 mean 738462/0" "$(shares "$E1")" "MONE shares and mean, no baseline"
assert_eq "" "$(flags "$E1")" "MONE: no flag without a baseline"
assert_figs "$E1" "$M" BinaryRatePpm=507692 BinaryRateCi95LowPpm=81786 BinaryRateCi95HighPpm=933598
assert_figs "$E1" Cohort WeightedSize=65000 ExpectedBinary=48000000000 BinaryImprovement=33000000000

# ---- (a) clean data --------------------------------------------------------------
assert_fig "$A5" "$M/Baseline/@cohorts" 4
assert_fig "$A5" "$M/Baseline/@statements" "MONA-2026Q1-1,MONA-2025Q4-1,MONA-2025Q3-1,MONA-2025Q2-1"
assert_eq "500000/498759 304688/295285 195313/205955 mean 481139/482790" "$(shares "$A5")" "MONA-2026Q2 shares and mean"
assert_figs "$A5" "$M" BinaryRatePpm=32740 BinaryRateCi95LowPpm=-53942 BinaryRateCi95HighPpm=119422
assert_eq 0 "$(xcount "$A5" /SettlementStatement/Monitor/Flag)" "MONA-2026Q2: no Flag element"

# ---- (b) NEEDS_MIX_DRIFT ---------------------------------------------------------
assert_fig "$B5" "$M/Baseline/@statements" "MONB-2026Q1-1,MONB-2025Q4-1,MONB-2025Q3-1,MONB-2025Q2-1"
assert_eq "620000/498759 330000/295285 50000/205955 mean 446829/482790" "$(shares "$B5")" "MONB-2026Q2 shares and mean"
assert_eq "NEEDS_MIX_DRIFT" "$(flags "$B5")" "MONB-2026Q2 flags"
assert_true "MONB: the flag says why" test -n "$(sx "$B5" "$M/Flag[@code='NEEDS_MIX_DRIFT']")"

# ---- (c) RISK_DRIFT --------------------------------------------------------------
assert_eq "500000/498759 300000/295285 200000/205955 mean 536364/482790" "$(shares "$C5")" "MONC-2026Q2 shares and mean"
assert_eq "RISK_DRIFT" "$(flags "$C5")" "MONC-2026Q2 flags"

# ---- (d) EASY_CASES_ONLY ---------------------------------------------------------
assert_figs "$D5" "Cohort/NeedsBand[@band='0']" BinaryImprovement=150000000000
assert_figs "$D5" "Cohort/NeedsBand[@band='1-2']" BinaryImprovement=0
assert_figs "$D5" "Cohort/NeedsBand[@band='3+']" BinaryImprovement=-60000000000
assert_eq "500000/498759 300000/295285 200000/205955 mean 481818/482790" "$(shares "$D5")" "MOND-2026Q2 shares and mean"
assert_eq "EASY_CASES_ONLY" "$(flags "$D5")" "MOND-2026Q2 flags"
assert_fig "$D5" Cohort/BinaryHurdleMet true

# ---- thresholds hit exactly --------------------------------------------------------
assert_eq "600000/500000 300000/300000 100000/200000 mean 520000/470000" "$(shares "$N5")" "MONN-2026Q2 shares and mean"
assert_eq "EASY_CASES_ONLY" "$(flags "$N5")" "MONN-2026Q2: only EASY_CASES_ONLY at exactly the thresholds"

# ---- verify recomputes the monitor -------------------------------------------------
for f in "$A5" "$B5" "$D5" "$E1"; do
	assert_exit 0 "$PBR" verify --allow-unsigned "$f"
done

# ---- the HTML report -----------------------------------------------------------------
html() {
	assert_exit 0 "$PBR" report "$1" --format html --out "$2"
	xmllint --html --noout "$2" >"$TMP/lint.out" 2>&1
	errors=$(grep 'parser error' "$TMP/lint.out" | grep -v -c -E 'Tag [A-Za-z]+ invalid' || true)
	assert_eq 0 "$errors" "$(basename "$2"): xmllint --html errors (HTML5 tags aside)"
}
for s in A5 B5 C5 D5 N5 E1; do
	html "${!s}" "$TMP/$s.html"
done
assert_true "A: the HTML has the monitor section" grep -q 'Who benefits' "$TMP/A5.html"
assert_true "A: no flags raised" grep -q 'No flags raised' "$TMP/A5.html"
assert_true "A: rate 3.27%" grep -q '<strong>3.27%</strong>' "$TMP/A5.html"
assert_true "A: interval from -5.39%" grep -q '<strong>-5.39%</strong>' "$TMP/A5.html"
assert_true "A: interval to 11.94%" grep -q '<strong>11.94%</strong>' "$TMP/A5.html"
assert_true "A: the interval holds 0, may be chance" grep -q 'may be chance' "$TMP/A5.html"
assert_true "A: the needs-mix chart is an image with a title" grep -q 'role="img"[^>]*monitor-chart-title' "$TMP/A5.html"
assert_true "A: its table" grep -q '<th scope="row">Share with 3+ needs</th>' "$TMP/A5.html"
assert_true "B: NEEDS_MIX_DRIFT shown" grep -q 'NEEDS_MIX_DRIFT' "$TMP/B5.html"
assert_true "B: the flag's text shown" grep -qF "$(sx "$B5" "$M/Flag" | cut -c1-40)" "$TMP/B5.html"
assert_true "C: RISK_DRIFT shown" grep -q 'RISK_DRIFT' "$TMP/C5.html"
assert_true "D: EASY_CASES_ONLY in the warning box" grep -q '<strong><code>EASY_CASES_ONLY</code></strong>' "$TMP/D5.html"
assert_true "D: and in the banner" grep -q 'MONITOR: 1' "$TMP/D5.html"
assert_true "D: not 'No flags raised'" sh -c "! grep -q 'No flags raised' '$TMP/D5.html'"
assert_true "E: interval from 8.18%" grep -q '<strong>8.18%</strong>' "$TMP/E1.html"
assert_true "E: interval to 93.36%" grep -q '<strong>93.36%</strong>' "$TMP/E1.html"
assert_true "E: above 0" grep -q 'interval is above 0' "$TMP/E1.html"
assert_true "E: not 'may be chance'" sh -c "! grep -q 'may be chance' '$TMP/E1.html'"
assert_true "E: says there is no baseline" grep -q 'No baseline' "$TMP/E1.html"
# a statement written before the monitor (no Monitor element) still renders
html "$DATA/sample-statement.xml" "$TMP/old.html"
assert_true "no Monitor: no monitor section" sh -c "! grep -q 'Who benefits' '$TMP/old.html'"
assert_true "no Monitor: the rest is there" grep -q 'Reoffending and payment by Police and Crime Commissioner area' "$TMP/old.html"
# the CSV keeps its one line per PCC area (+ header + TOTAL)
assert_exit 0 "$PBR" report "$D5" --format csv --out "$TMP/D5.csv"
assert_eq 3 "$(wc -l <"$TMP/D5.csv")" "MOND CSV: header, one area, TOTAL"

finish
