#!/usr/bin/env bash
# 460_views_hostile_ledger: the PCC view and the contract year read the
# statements in force from the ledger.  The ledger refuses UPDATE and
# DELETE, but a login that may INSERT can append a row the engine never
# wrote, which then is "in force".  Every such statement the views cannot
# read is refused with exit 65 (70 where the engine's own recomputation
# disagrees with it) and ONE line naming the statement and what is wrong;
# nothing is written.  Readable hostile rows are shown as they state.
# Data: the hand-made cohort of 430 (tests/data/oversight_ref.sql),
# contract OV with a contract year 2024 (no advance); OV-2025Q4-1:
# T = PeriodDue = AmountDue 602 501, OA 2 members (TotalPence 550 001),
# worked in 450.  tests/data/sample-monthly.xml: PeriodDue -17 880,
# PbR pot 464 880 (worked in its comment).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/oversight_ref.sql"
q "INSERT INTO pbr.contract_year (contract_id, year, annual_price_pence, learning_curve_ppm,
     predicted_volume_milli, band_low_ppm, band_high_ppm, adjust_below_ppm, adjust_above_ppm,
     credit_cap_ppm, advance_pence_per_month, map_pence)
   VALUES ('OV', 2024, 1200000, 0, 1000000, 100000, 100000, 500000, 500000, 100000, 0, 1500000)" >/dev/null ||
	die "contract year"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract OV --out "$OUT"
X=$OUT/OV-2025Q4-1.xml
M=$DATA/sample-monthly.xml
[ -s "$X" ] || die "no statement"

# edit SRC DST OP...: a copy of SRC with each OP applied, exactly once:
#   FROM|EL|VALUE   the first <EL>..</EL> after the text FROM ("" = the
#                   start) gets VALUE
#   DROP|A|B        the text from A to the end of B is removed
edit() {
	python3 - "$@" <<'EOF' || die "edit $*"
import sys
s = open(sys.argv[1]).read()
for op in sys.argv[3:]:
    kind, a, b = op.split('|', 2)
    if kind == 'DROP':
        i = s.index(a)
        j = s.index(b, i) + len(b)
        s = s[:i] + s[j:]
        continue
    i = s.index(kind) if kind else 0
    k = s.index('<%s>' % a, i) + len(a) + 2
    e = s.index('</%s>' % a, k)
    s = s[:k] + b + s[e:]
open(sys.argv[2], 'w').write(s)
EOF
}
# ledger_add ID TYPE PERIOD SEQ SUPERSEDES FILE: appends a row like
# OV-2025Q4-1 (the engine's own), as statement ID of TYPE (PBR, MONTHLY)
# and PERIOD, with FILE's bytes as the statement (SUPERSEDES: an id or NULL);
# a restatement's amount due is 0, as SPEC 7 makes it for the same
# PeriodDue (the contract year reads a cohort's paid from the chain's)
ledger_add() {
	local kind=RESTATEMENT sup="'$5'" cohort
	[ "$4" -eq 1 ] && kind=ORIGINAL && sup=NULL
	case $3 in
	*Q*) cohort="'$(q "SELECT to_char(make_date(substr('$3', 1, 4)::int, (substr('$3', 6, 1)::int - 1) * 3 + 1, 1) - interval '21 months', 'YYYY\"Q\"Q')")'" ;;
	*) cohort=NULL ;;
	esac
	sql -v xml="$(cat "$6")" >/dev/null <<SQL || die "ledger_add $1"
CREATE TEMP TABLE h AS SELECT * FROM pbr.settlement WHERE statement_id = 'OV-2025Q4-1';
UPDATE h SET statement_id = '$1', statement_type = '$2', period = '$3', seq = $4, kind = '$kind',
       supersedes = $sup, reason = CASE WHEN $4 > 1 THEN 'appended by hand' END,
       cohort_quarter = $cohort, statement_xml = convert_to(:'xml', 'UTF8'),
       amount_due_pence = CASE WHEN $4 > 1 THEN 0 ELSE amount_due_pence END;
UPDATE h SET tariff_version = NULL, members = NULL, rejected = NULL, reject_counts = NULL,
       weighted_size = NULL, expected_binary = NULL, actual_binary = NULL,
       expected_frequency = NULL, actual_frequency = NULL, ffs_pence = 0, credit_pence = 0,
       advance_pence = 0, adjustment_pence = 0 WHERE statement_type = 'MONTHLY';
INSERT INTO pbr.settlement SELECT * FROM h;
SQL
}
SEQ=1     # of OV-2025Q4
pbr_in_force() { # FILE: the next OV-2025Q4 statement is FILE
	SEQ=$((SEQ + 1))
	ledger_add "OV-2025Q4-$SEQ" PBR 2025Q4 "$SEQ" "OV-2025Q4-$((SEQ - 1))" "$1"
}
E=$TMP/e.csv
# refused CODE REGEX REPORT-ARGS...: one line, nothing written
refused() {
	local code=$1 re=$2
	shift 2
	assert_exit "$code" "$PBR" report "$@" --format csv --out "$E"
	assert_one_line "$LAST_ERR" "$re"
	assert_match "$re" "$(cat "$LAST_ERR")" "the message: $re"
	assert_true "nothing written" test ! -e "$E"
}
pcc() { refused "$@" --pcc OA --from 2025Q4 --to 2026Q1; }
year() { refused "$@" --contract-year OV 2024; }
C=$TMP/year.csv
col() { head -1 "$C" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
cell() { grep "^$1,OV,2024,$2," "$C" | cut -d, -f"$(col "$3")"; }

# ---- the honest year first ----------------------------------------------------------
assert_exit 0 "$PBR" report --contract-year OV 2024 --format csv --out "$C"
assert_eq "OV-2025Q4-1 602501 0 602501" \
	"$(for k in statement_id period_due_pence advance_netted_pence paid_pence; do cell COHORT 2024Q1 $k; done | paste -sd' ' -)" \
	"cohort 2024Q1: paid its period due, no advance"
assert_eq "602501 0/12 months 1/4 cohorts" "$(grep '^TOTAL,' "$C" | cut -d, -f"$(col paid_pence)") $(grep '^TOTAL,' "$C" | cut -d, -f6)" "the year so far"

# ---- monthly rows the engine never wrote ----------------------------------------------
ledger_add OV-2024-03-1 MONTHLY 2024-03 1 NULL "$X"
year 65 "report: statement OV-2024-03-1 in the ledger is neither a month nor a cohort of 2024"
edit "$M" "$TMP/m.xml" "|FfsPence|95k"
ledger_add OV-2024-03-2 MONTHLY 2024-03 2 OV-2024-03-1 "$TMP/m.xml"
year 65 "report: monthly statement OV-2024-03-2 in the ledger has a figure that is not an integer"
edit "$M" "$TMP/m.xml" "<VolumeReconciliation |PredictedMilli|"
ledger_add OV-2024-03-3 MONTHLY 2024-03 3 OV-2024-03-2 "$TMP/m.xml"
year 65 "report: monthly statement OV-2024-03-3: no valid VolumeReconciliation"
# every figure the year reads from a monthly statement, one at a time
n=3
for f in "<CapCutPence>|CreditPence|" "|AdvancePence|1.5" "<Summary>|PeriodDuePence|-" "<Summary>|AmountDuePence|x" \
	"<VolumeReconciliation |AdjustmentPence|" "<VolumeReconciliation |ActualMilli|" "<VolumeReconciliation |FfsYearPence|" \
	"<VolumeReconciliation |MapPence|" "<VolumeReconciliation |PbrPotPence|"; do
	edit "$M" "$TMP/m.xml" "$f"
	n=$((n + 1))
	ledger_add "OV-2024-03-$n" MONTHLY 2024-03 "$n" "OV-2024-03-$((n - 1))" "$TMP/m.xml"
	case $f in
	"<VolumeReconciliation |AdjustmentPence|") re=" in the ledger has a figure that is not an integer" ;;
	"<VolumeReconciliation "*) re=": no valid VolumeReconciliation" ;;
	*) re=" in the ledger has a figure that is not an integer" ;;
	esac
	year 65 "report: monthly statement OV-2024-03-$n$re"
done
n=$((n + 1))
ledger_add "OV-2024-03-$n" MONTHLY 2024-03 "$n" "OV-2024-03-$((n - 1))" "$M"
assert_exit 0 "$PBR" report --contract-year OV 2024 --format csv --out "$C"
assert_eq "OV-2024-03-$n -17880 ORIGINAL ." \
	"$(for k in statement_id paid_pence; do cell MONTH 2024-03 $k; done | paste -sd' ' -) $(xp "$M" /MonthlyStatement/Header/Kind) $(cell MONTH 2024-03 note)." \
	"a readable row is shown as it states (its own Kind: no restatement note)"
assert_eq "$((602501 - 17880))" "$(grep '^TOTAL,' "$C" | cut -d, -f"$(col paid_pence)")" "the year: 602 501 - 17 880"
assert_match "PbR pot 464880 p$" "$(grep '^TOTAL,' "$C")" "its PbR pot"
rm -f "$C"
BIG=5000000000000000000
edit "$M" "$TMP/big.xml" "|FfsPence|$BIG" "|PeriodDuePence|$BIG"
ledger_add OV-2024-04-1 MONTHLY 2024-04 1 NULL "$TMP/big.xml"
ledger_add OV-2024-05-1 MONTHLY 2024-05 1 NULL "$TMP/big.xml"
year 65 "report: the year's monthly figures overflow"
ledger_add OV-2024-04-2 MONTHLY 2024-04 2 OV-2024-04-1 "$M"
ledger_add OV-2024-05-2 MONTHLY 2024-05 2 OV-2024-05-1 "$M"

# ---- PbR rows: the contract year and the PCC view --------------------------------------
printf 'this is not XML' >"$TMP/junk.xml"
pbr_in_force "$TMP/junk.xml"
pcc 65 "report: ledger:OV-2025Q4-2:1: not a readable statement"
year 65 "report: ledger:OV-2025Q4-2:1: not a readable statement"
printf '<?xml version="1.0"?>\n<SettlementStatement xmlns="urn:example:not-ours"/>\n' >"$TMP/ns.xml"
pbr_in_force "$TMP/ns.xml"
pcc 65 "report: ledger:OV-2025Q4-3: not a settlement statement"
edit "$X" "$TMP/h.xml" "DROP|<Cohort |</Cohort>"
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-4 in the ledger has no Header or Cohort"
edit "$X" "$TMP/h.xml" "<Cohort |TotalPence|lots"
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-5: no valid Cohort/TotalPence"
year 65 "report: statement OV-2025Q4-5 in the ledger has a figure that is not an integer"
# elements outside the statement's namespace are not the statement's: a
# Cohort with no namespace and one in another namespace before the real one
python3 - "$X" "$TMP/h.xml" <<'EOF' || die "decoy"
import sys
s = open(sys.argv[1]).read()
decoy = ('<Cohort xmlns="" quarter="1999Q1"><PccArea code="OA"><Members>99</Members></PccArea></Cohort>'
         '<x:Cohort xmlns:x="urn:example:other"><x:PccArea code="OA"/></x:Cohort>')
i = s.index('<Cohort quarter=')
open(sys.argv[2], 'w').write(s[:i] + decoy + s[i:])
EOF
pbr_in_force "$TMP/h.xml"
assert_exit 0 "$PBR" report --pcc OA --from 2025Q4 --to 2025Q4 --format csv --out "$TMP/decoy.csv"
assert_eq "OV-2025Q4-$SEQ 2 550001" "$(grep '^AREA,' "$TMP/decoy.csv" | cut -d, -f7,8,19 | tr , ' ')" \
	"the decoys are skipped: OA's 2 members and 550 001 pence"
# a statement from before SPEC 5a: no BinaryVariance for the area, so no
# interval (empty, not 0), the rest as stated
edit "$X" "$TMP/h.xml" "DROP|<BinaryVariance>78000000000000000000|</BinaryVariance>"
pbr_in_force "$TMP/h.xml"
assert_exit 0 "$PBR" report --pcc OA --from 2025Q4 --to 2025Q4 --format csv --out "$TMP/old.csv"
for l in AREA TOTAL; do
	assert_eq "2 550001 |||" "$(grep "^$l," "$TMP/old.csv" | awk -F, '{ print $8, $19, $33 "|" $34 "|" $35 "|" $36 }')" \
		"no variance: $l line without rate, interval or z"
done
# a header without its Kind: the year shows the cohort, with no kind
edit "$X" "$TMP/h.xml" "DROP|<Kind>|</Kind>"
pbr_in_force "$TMP/h.xml"
assert_exit 0 "$PBR" report --contract-year OV 2024 --format csv --out "$C"
assert_eq "OV-2025Q4-$SEQ 602501 settled in 2025Q4" \
	"$(for k in statement_id paid_pence note; do cell COHORT 2024Q1 $k; done | paste -sd' ' -)" "no Kind: settled, no restatement note"
assert_eq "$((602501 - 3 * 17880))" "$(grep '^TOTAL,' "$C" | cut -d, -f"$(col paid_pence)")" \
	"the year: 602 501 and three months of -17 880"
rm -f "$C"
edit "$X" "$TMP/h.xml" "DROP|<TotalPence>602501|</TotalPence>"
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-$SEQ: no valid Cohort/TotalPence"
edit "$X" "$TMP/h.xml" '<PccArea code="OA"|Members|two'
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-$SEQ: PccArea OA has no valid Members"
for v in 7.8e19 "" 1234567890123456789012345678901234567890; do
	edit "$X" "$TMP/h.xml" "<PccArea code=\"OA\"|BinaryVariance|$v"
	pbr_in_force "$TMP/h.xml"
	pcc 65 "report: statement OV-2025Q4-$SEQ: PccArea OA has no valid BinaryVariance or DeductionPence"
done
edit "$X" "$TMP/h.xml" '<PccArea code="OA"|DeductionPence|-'
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-$SEQ: PccArea OA has no valid BinaryVariance or DeductionPence"
edit "$X" "$TMP/h.xml" "<Summary>|PeriodDuePence|602502" "<Summary>|AmountDuePence|602502"
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-$SEQ: PeriodDuePence 602502 is not the cohort total 602501 plus the true-up 0"
edit "$X" "$TMP/h.xml" "<Summary>|AmountDuePence|"
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-$SEQ: no valid Summary/PeriodDuePence and AmountDuePence"
year 65 "report: statement OV-2025Q4-$SEQ in the ledger has a figure that is not an integer"
edit "$X" "$TMP/h.xml" "<Summary>|AdvanceNettedPence|none"
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-$SEQ: no valid Summary/AdvanceNettedPence"
edit "$X" "$TMP/h.xml" '<NeedsBand band="1-2"|WeightedSize|heavy'
pbr_in_force "$TMP/h.xml"
pcc 65 "report: statement OV-2025Q4-$SEQ: a NeedsBand has no valid WeightedSize"
# readable, but not what the cohort's rows give: the engine's own
# recomputation of the area's needs bands disagrees (70, internal)
edit "$X" "$TMP/h.xml" '<PccArea code="OA"|Members|3'
pbr_in_force "$TMP/h.xml"
pcc 70 "report: statement OV-2025Q4-$SEQ: the needs bands of PCC area OA do not add up to the area's figures"

# ---- sums past 64 bits over two periods ----------------------------------------------------
# a second period (2026Q1, cohort 2024Q2: no rows) and the in-force
# 2025Q4, both with 5 x 10^18 pence
edit "$X" "$TMP/big.xml" "<Cohort |TotalPence|$BIG" "<Summary>|PeriodDuePence|$BIG" "<Summary>|AmountDuePence|$BIG"
# (first a PbR row whose statement is a monthly one)
ledger_add OV-2026Q1-1 PBR 2026Q1 1 NULL "$M"
year 65 "report: statement OV-2026Q1-1 in the ledger is neither a month nor a cohort of 2024"
ledger_add OV-2026Q1-2 PBR 2026Q1 2 OV-2026Q1-1 "$TMP/big.xml"
pbr_in_force "$TMP/big.xml"
year 65 "report: the year's PbR figures overflow"
assert_exit 65 "$PBR" report --pcc OA --from 2025Q4 --to 2026Q1 --format csv --out "$E"
assert_match "report: PCC OA: the contracts' totalPence of periods 2025Q4..2026Q1 overflow" "$(tail -1 "$LAST_ERR")" \
	"PCC view: the contracts' totals overflow"
edit "$X" "$TMP/big.xml" "<PccArea code=\"OA\"|BinaryPence|$BIG"
ledger_add OV-2026Q1-3 PBR 2026Q1 3 OV-2026Q1-2 "$TMP/big.xml"
pbr_in_force "$TMP/big.xml"
assert_exit 65 "$PBR" report --pcc OA --from 2025Q4 --to 2026Q1 --format csv --out "$E"
assert_match "report: PCC OA: the BinaryPence of periods 2025Q4..2026Q1 overflow" "$(tail -1 "$LAST_ERR")" \
	"PCC view: the area's pence overflow"
assert_true "nothing written" test ! -e "$E"

finish
