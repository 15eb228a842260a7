#!/usr/bin/env bash
# 120_restatement_chain: three restatements of one period (seq 2, 3, 4),
# each after a change of inputs.  Each is Kind RESTATEMENT, Supersedes the
# one before, carries PreviousTotalPence (the superseded T) and
# PreviousPeriodDuePence, and its AmountDuePence is its PeriodDuePence less
# the superseded one, so the chain's amounts sum to the latest
# PeriodDuePence (SPEC 7, 8).  `history --format csv` lists the four, only
# the last IN_FORCE (SPEC 9).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Data: tests/data/audit_ref.sql + audit_cohort.csv, contract AUD, period
# 2025Q4 (cohort 2024Q1).  Tariff TU: Pb = round(B / 100 000), Pf = F / 500,
# hurdle 1% of W.  b = w*(p - y*10^6), fc = w*(f - r*1000).
#   A01 w 10000 p 500000 f 1500 r 0  b  5 000 000 000  fc  15 000 000
#   A02 w 12000 p 600000 f 2000 r 1  b -4 800 000 000  fc  12 000 000
#   A03 w 13000 p 400000 f 1000 r 0  b  5 200 000 000  fc  13 000 000
#   A04 w 10000 p 300000 f  800 r 0  b  3 000 000 000  fc   8 000 000
#   b01 w 10000 p 450000 f 1000 r 2  b -5 500 000 000  fc -10 000 000
# seq 1 (original): W 55000, B 2 900 000 000 (>= 550 000 000) Pb 29 000;
#   F 38 000 000, Pf 76 000; T 105 000.  PeriodDue 105 000, AmountDue 105 000.
# seq 2: A01 f 1500 -> 2000: fc 20 000 000; F 43 000 000, Pf 86 000;
#   T 29 000 + 86 000 = 115 000.  AmountDue 115 000 - 105 000 = 10 000.
# seq 3: b01 deleted: W 45000, B 2.9e9 + 5.5e9 = 8 400 000 000 (>= 450 000 000)
#   Pb 84 000; F 43e6 + 10e6 = 53 000 000, Pf 106 000; T 190 000.
#   AmountDue 190 000 - 115 000 = 75 000.
# seq 4: A06 added (U2, ACC: w 12000, p 600000, f 500, r 3):
#   b 12000 * (600000 - 10^6) = -4 800 000 000, fc 12000 * (500 - 3000) = -30 000 000
#   W 57000, B 3 600 000 000 (>= 570 000 000) Pb 36 000; F 23 000 000, Pf 46 000;
#   T 82 000.  AmountDue 82 000 - 190 000 = -108 000.
# Chain: 105 000 + 10 000 + 75 000 - 108 000 = 82 000 = the latest PeriodDue.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
x() { printf '%s/AUD-2025Q4-%s.xml' "$OUT" "$1"; }
restate() { assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT" --restate --reason "$1"; }

assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_figs "$(x 1)" Header Kind=ORIGINAL StatementId=AUD-2025Q4-1
assert_eq 0 "$(xcount "$(x 1)" /SettlementStatement/Header/Supersedes)" "original: no Supersedes"
assert_figs "$(x 1)" Summary PeriodDuePence=105000 AmountDuePence=105000
assert_fig "$(x 1)" Cohort/TotalPence 105000

sql -c "UPDATE pbr.cohort_member SET predicted_frequency_milli = 2000 WHERE offender_ref = 'A01'" >/dev/null
restate "A01 prediction corrected"
assert_true "restatement leaves no reconciliation note" test "$(grep -c 'restate period' "$LAST_ERR")" -eq 0
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref = 'b01'" >/dev/null
restate "b01 was not in the cohort, says the feed, ok"
sql -c "INSERT INTO pbr.cohort_member VALUES ('A06', '2024Q1', 'CPAU', 'U2', '2024-02-02', 600000, 500, 'ACC', 3, 'final')" >/dev/null
restate 'A06 "late" record <&> é'

# seq  T       PeriodDue  AmountDue  PreviousTotal/PreviousPeriodDue  reason
set -- \
	"2 115000 115000  10000 105000 A01 prediction corrected" \
	"3 190000 190000  75000 115000 b01 was not in the cohort, says the feed, ok" \
	"4  82000  82000 -108000 190000 A06 \"late\" record <&> é"
for row in "$@"; do
	read -r seq t due amount prev reason <<<"$row"
	f=$(x "$seq")
	[ -s "$f" ] || die "no statement $f (files: $(ls "$OUT"))"
	assert_true "seq $seq validates against the XSD" valid_xsd "$f"
	assert_figs "$f" Header StatementId="AUD-2025Q4-$seq" Kind=RESTATEMENT \
		Supersedes="AUD-2025Q4-$((seq - 1))" Status=FINAL Period=2025Q4 \
		Reason="$reason"
	assert_fig "$f" Cohort/TotalPence "$t"
	assert_figs "$f" Summary PeriodDuePence="$due" AmountDuePence="$amount" \
		PreviousTotalPence="$prev" PreviousPeriodDuePence="$prev"
	assert_eq "$(sx "$(x $((seq - 1)))" Cohort/TotalPence)" "$(sx "$f" Summary/PreviousTotalPence)" \
		"seq $seq: PreviousTotalPence is the superseded statement's T"
done
assert_figs "$(x 3)" Cohort Members=4 WeightedSize=45000 BinaryImprovement=8400000000 FrequencyImprovement=53000000
assert_figs "$(x 4)" Cohort Members=5 WeightedSize=57000 BinaryImprovement=3600000000 FrequencyImprovement=23000000

# the chain's amounts due sum to the latest PeriodDuePence
sum=0
for s in 1 2 3 4; do
	sum=$((sum + $(sx "$(x "$s")" Summary/AmountDuePence)))
done
assert_eq 82000 "$sum" "amounts due along the chain (files)"
assert_eq "$(sx "$(x 4)" Summary/PeriodDuePence)" "$sum" "... equal the latest PeriodDuePence"
assert_eq 82000 "$(q "SELECT sum(amount_due_pence) FROM pbr.settlement WHERE contract_id = 'AUD' AND period = '2025Q4'")" \
	"amounts due along the chain (ledger)"
assert_eq "AUD-2025Q4-4" "$(q "SELECT statement_id FROM pbr.statement_in_force WHERE contract_id = 'AUD' AND period = '2025Q4'")" \
	"statement in force is seq 4"

# ---- history --format csv -------------------------------------------------------------
assert_exit 0 "$PBR" history --contract AUD --format csv
H=$TMP/history.csv
cp "$LAST_OUT" "$H"
assert_eq "run_id,statement_id,contract,period,cohort,seq,kind,status,total_pence,amount_due_pence,input_digest,statement_digest,created_at,total_pounds,amount_due_pounds" \
	"$(head -n 1 "$H")" "history CSV header"
assert_eq 5 "$(wc -l <"$H")" "history: header + 4 rows"
assert_eq "AUD,2025Q4,2024Q1,1,ORIGINAL,SUPERSEDED,105000,105000
AUD,2025Q4,2024Q1,2,RESTATEMENT,SUPERSEDED,115000,10000
AUD,2025Q4,2024Q1,3,RESTATEMENT,SUPERSEDED,190000,75000
AUD,2025Q4,2024Q1,4,RESTATEMENT,IN_FORCE,82000,-108000" \
	"$(tail -n +2 "$H" | cut -d, -f3-10)" "history rows: seq, kind, status, T, amount due"
assert_eq "AUD-2025Q4-1 1050.00 1050.00
AUD-2025Q4-2 1150.00 100.00
AUD-2025Q4-3 1900.00 750.00
AUD-2025Q4-4 820.00 -1080.00" \
	"$(tail -n +2 "$H" | cut -d, -f2,14,15 | tr , ' ')" "history: statement id, and T and amount due in pounds with two decimals"
assert_eq 1 "$(grep -c ',IN_FORCE,' "$H")" "only one IN_FORCE"
assert_eq 4 "$(tail -n +2 "$H" | cut -d, -f11 | sort -u | wc -l)" "four different input digests"
for s in 1 2 3 4; do
	line=$(sed -n "$((s + 1))p" "$H")
	f=$(x "$s")
	assert_eq "$(sx "$f" Header/RunId)" "$(printf '%s' "$line" | cut -d, -f1)" "history seq $s run_id = RunId"
	assert_eq "$(sx "$f" Header/InputDigest)" "$(printf '%s' "$line" | cut -d, -f11)" "history seq $s input_digest = InputDigest"
	assert_eq "$(sha256sum <"$f" | cut -d' ' -f1)" "$(printf '%s' "$line" | cut -d, -f12)" "history seq $s statement_digest = sha256 of the file"
	assert_eq "$(sx "$f" Header/CreatedAt)" "$(printf '%s' "$line" | cut -d, -f13)" "history seq $s created_at = CreatedAt"
done
# run ids grow along the chain
assert_eq "$(tail -n +2 "$H" | cut -d, -f1 | sort -n | paste -sd,)" \
	"$(tail -n +2 "$H" | cut -d, -f1 | paste -sd,)" "run ids in chain order"
assert_eq 4 "$(tail -n +2 "$H" | cut -d, -f1 | sort -u | wc -l)" "four run ids"
# --period filter, and AUD2 has none
assert_exit 0 "$PBR" history --period 2025Q4 --format csv
assert_eq 5 "$(wc -l <"$LAST_OUT")" "history --period 2025Q4: 4 rows"
assert_exit 0 "$PBR" history --contract AUD2 --format csv
assert_eq 1 "$(wc -l <"$LAST_OUT")" "history --contract AUD2: header only"
# the text format lists the 4 statements
assert_exit 0 "$PBR" history --contract AUD
assert_eq 4 "$(grep -c '^AUD-2025Q4-' "$LAST_OUT")" "history text: 4 statements"

# the latest verifies; the restatement is re-derivable from the ledger
assert_exit 0 "$PBR" verify --allow-unsigned "$(x 4)"
# SPEC 10: a superseded statement is checked (schema, signature, ledger
# digest), said to be superseded, by which statement and why, and exits 1,
# with no list of figures
assert_exit 1 "$PBR" verify --allow-unsigned "$(x 2)"
V=$(cat "$LAST_OUT")
assert_match '^ok ledger' "$V" "superseded seq 2: the ledger digest is checked"
assert_match '^SUPERSEDED by AUD-2025Q4-3 on [0-9-]{10}T[0-9:]{8}Z; reason: b01 was not in the cohort, says the feed, ok$' "$V" \
	"superseded seq 2: by seq 3, when, and why"
assert_match '^note in force now for AUD 2025Q4: AUD-2025Q4-4$' "$V" "superseded seq 2: names the statement in force"
assert_eq 0 "$(grep -c MISMATCH "$LAST_OUT")" "superseded seq 2: no MISMATCH list"
assert_one_line "$LAST_ERR" "superseded seq 2: stderr"
assert_match 'not in force: superseded by AUD-2025Q4-3 \(reason: b01 was not' "$(cat "$LAST_ERR")" "superseded seq 2: stderr says so"
assert_exit 1 "$PBR" verify --allow-unsigned "$(x 3)"
assert_match '^SUPERSEDED by AUD-2025Q4-4 .*; reason: A06 "late" record <&> é$' "$(cat "$LAST_OUT")" \
	"superseded seq 3: the reason as recorded, XML characters and all"
assert_eq 0 "$(grep -c '^note in force' "$LAST_OUT")" "superseded seq 3: its successor is in force, no second note"
# a tampered superseded statement: the ledger mismatch is listed as well
sed 's|<TotalPence>105000</TotalPence>|<TotalPence>105001</TotalPence>|' "$(x 1)" >"$TMP/x1-tampered.xml"
assert_exit 1 "$PBR" verify --allow-unsigned "$TMP/x1-tampered.xml"
assert_match 'MISMATCH ledger' "$(cat "$LAST_OUT")" "tampered superseded: ledger digest mismatch"
assert_match 'SUPERSEDED by AUD-2025Q4-2' "$(cat "$LAST_OUT")" "tampered superseded: still says superseded"
assert_one_line "$LAST_ERR" "tampered superseded: stderr"
assert_match 'differs from the record' "$(cat "$LAST_ERR")" "tampered superseded: stderr says it differs"
# a re-run now reissues seq 4 unchanged
cp "$(x 4)" "$TMP/x4"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_true "re-run after the chain: seq 4 byte-identical" cmp -s "$(x 4)" "$TMP/x4"
assert_true "no seq 5" test ! -e "$(x 5)"
assert_eq 4 "$(q "SELECT count(*) FROM pbr.settlement")" "ledger: 4 rows"

finish
