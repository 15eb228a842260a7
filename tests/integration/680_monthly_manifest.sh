#!/usr/bin/env bash
# 680_monthly_manifest: SPEC 7 and 11.4.  A run --month that issues or
# reissues statements writes <month>-run.xml beside them, as a PbR run
# writes <period>-run.xml: run id, count, control sum of AmountDuePence,
# per statement id, kind, PeriodDuePence, AmountDuePence and SHA-256, and
# UnassignedRows (0: a monthly run reads no cohort rows); valid against
# schemas/manifest.xsd, signed like the statements.  An idempotent re-run
# rewrites the same bytes; a restatement lists its AmountDuePence (the
# difference); a dry run writes none.  --jobs 4 computes the same
# statements as --jobs 1.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

MXSD=$SRCDIR/schemas/manifest.xsd
mx() { xp "$1" "/RunManifest/$2"; }
# ms FILE ID FIELD: a field of the manifest's Stmt with that StatementId
ms() {
	xmllint --xpath "string(/*[local-name()='RunManifest']/*[local-name()='Stmt'][*[local-name()='StatementId']='$2']/*[local-name()='$3'])" "$1" 2>/dev/null
}
# due FILE: a MonthlyStatement's AmountDuePence, read from the file
due() { xp "$1" /MonthlyStatement/Summary/AmountDuePence; }
# ctrl_sum DIR MANIFEST: the sum of AmountDuePence over the statement files
# the manifest lists, read from the files themselves (integer arithmetic)
ctrl_sum() {
	local id s=0
	for id in $(xmllint --xpath "//*[local-name()='Stmt']/*[local-name()='StatementId']/text()" "$2"); do
		s=$((s + $(due "$1/$id.xml")))
	done
	echo "$s"
}
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=finance" \
	-keyout "$TMP/k.pem" -out "$TMP/c.pem" >/dev/null 2>&1 || die "openssl failed"
SIGN=(--sign-key "$TMP/k.pem" --sign-cert "$TMP/c.pem")

# ---------------------------------------------------------------------------
# Part 1, tests/data/monthly_ref.sql, March 2025 (worked in 610):
#   NORTH: Ffs 95 000, K2 74/100 BREACHED 4 500 (cap 9 500), K3 waived,
#          advance 1 000: PeriodDue = AmountDue = 95 000 - 4 500 + 1 000
#          = 91 500.
#   SOUTH: A' = 1 000 003 = 12 * 83 333 + 7, March (3 <= 7) 83 334; K1 met,
#          no advance: PeriodDue = AmountDue = 83 334.
#   Count 2, control sum 91 500 + 83 334 = 174 834.
# Then NORTH's K2 74/100 -> 75/100: 75 000 000 >= 750 000 * 100, MET, no
#   credit: PeriodDue 96 000; the restatement NORTH-2025-03-2 has AmountDue
#   96 000 - 91 500 = 4 500; SOUTH is reissued unchanged (83 334).
#   Control sum 4 500 + 83 334 = 87 834.
# ---------------------------------------------------------------------------
migrate
sql_file "$DATA/basic_ref.sql"
sql_file "$DATA/monthly_ref.sql"
q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2025-03', 'CO', 40), ('NORTH', '2025-03', 'LICENCE', 20),
	('NORTH', '2025-03', 'SSO', 10), ('SOUTH', '2025-03', 'CO', 80);
   INSERT INTO pbr.kpi_return VALUES ('NORTH', '2025-03', 'K1', 9, 10), ('NORTH', '2025-03', 'K2', 74, 100),
	('NORTH', '2025-03', 'K4', 0, 0), ('SOUTH', '2025-03', 'K1', 1, 1);
   INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2025-03', 'K3', 'provider feed outage', 'PCC board')" >/dev/null ||
	die "returns"
OUT=$TMP/out
mkdir -p "$OUT"
M=$OUT/2025-03-run.xml

assert_exit 0 "$PBR" run --month 2025-03 --out "$OUT" "${SIGN[@]}"
cp "$LAST_OUT" "$TMP/console1"
assert_true "manifest 2025-03-run.xml written" test -s "$M"
assert_exit 0 xmllint --noout --schema "$MXSD" "$M"
assert_exit 0 xmlsec1 --verify --trusted-pem "$TMP/c.pem" "$M"
assert_eq "$(q "SELECT max(run_id) FROM pbr.settlement")" "$(mx "$M" GrpHdr/RunId)" "RunId is the run's"
assert_eq "2025-03-run-$(mx "$M" GrpHdr/RunId)" "$(mx "$M" GrpHdr/MsgId)" "MsgId"
assert_eq 2025-03 "$(mx "$M" GrpHdr/Period)" "Period is the month"
assert_eq MONTHLY "$(mx "$M" GrpHdr/StatementType)" "StatementType"
assert_eq 2 "$(mx "$M" GrpHdr/NbOfStmts)" "NbOfStmts"
assert_eq 174834 "$(mx "$M" GrpHdr/CtrlSumPence)" "CtrlSumPence = 91 500 + 83 334 (by hand)"
assert_eq "$(ctrl_sum "$OUT" "$M")" "$(mx "$M" GrpHdr/CtrlSumPence)" "CtrlSumPence = the sum of the files' AmountDuePence (xmllint)"
assert_eq "$(q "SELECT sum(amount_due_pence) FROM pbr.settlement WHERE period = '2025-03'")" \
	"$(mx "$M" GrpHdr/CtrlSumPence)" "CtrlSumPence = the ledger's sum (psql)"
assert_eq 0 "$(mx "$M" GrpHdr/UnassignedRows)" "UnassignedRows: none in a monthly run"
assert_eq "NORTH-2025-03-1 SOUTH-2025-03-1" "$(xmllint --xpath "//*[local-name()='Stmt']/*[local-name()='StatementId']/text()" "$M" | paste -sd' ')" \
	"statements listed in contract order"
for id in NORTH-2025-03-1 SOUTH-2025-03-1; do
	assert_eq "$(sha256sum <"$OUT/$id.xml" | cut -d' ' -f1)" "$(ms "$M" "$id" Sha256)" "$id: Sha256 is the file's (sha256sum)"
	assert_eq "$(q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = '$id'")" \
		"$(ms "$M" "$id" Sha256)" "$id: Sha256 is the ledger's statement digest"
	assert_eq ORIGINAL "$(ms "$M" "$id" Kind)" "$id: Kind"
	assert_eq "$(due "$OUT/$id.xml")" "$(ms "$M" "$id" AmountDuePence)" "$id: AmountDuePence is the statement's"
	assert_exit 0 "$PBR" verify "$OUT/$id.xml" --cert "$TMP/c.pem"
done
assert_eq 91500 "$(ms "$M" NORTH-2025-03-1 PeriodDuePence)" "NORTH PeriodDuePence"
assert_eq 91500 "$(ms "$M" NORTH-2025-03-1 AmountDuePence)" "NORTH AmountDuePence"
assert_eq 83334 "$(ms "$M" SOUTH-2025-03-1 AmountDuePence)" "SOUTH AmountDuePence"
assert_match '^total: 2 statements, amount due .*1748\.34$' "$(grep '^total' "$TMP/console1")" \
	"console total line: the count and the control sum"

# an idempotent re-run rewrites the same bytes, manifest included
cp -a "$OUT" "$TMP/first"
rm -f "$M"
assert_exit 0 "$PBR" run --month 2025-03 --out "$OUT" "${SIGN[@]}"
assert_true "re-run: manifest byte-identical" cmp -s "$M" "$TMP/first/2025-03-run.xml"
assert_true "re-run: every file byte-identical" diff -r "$OUT" "$TMP/first"
assert_match 'unchanged, reissued' "$(grep '^NORTH' "$LAST_OUT")" "re-run reissues"

# changed inputs: refused without --restate, then a restatement
q "UPDATE pbr.kpi_return SET numerator = 75 WHERE contract_id = 'NORTH' AND month = '2025-03' AND kpi_code = 'K2'" >/dev/null
assert_exit 65 "$PBR" run --month 2025-03 --out "$OUT" "${SIGN[@]}"
assert_true "refused run: manifest unchanged" cmp -s "$M" "$TMP/first/2025-03-run.xml"
assert_exit 0 "$PBR" run --month 2025-03 --out "$OUT" "${SIGN[@]}" --restate --reason "K2 return corrected"
cp "$LAST_OUT" "$TMP/console2"
assert_exit 0 xmllint --noout --schema "$MXSD" "$M"
assert_exit 0 xmlsec1 --verify --trusted-pem "$TMP/c.pem" "$M"
assert_eq 2 "$(mx "$M" GrpHdr/NbOfStmts)" "restatement run: NbOfStmts"
assert_eq RESTATEMENT "$(ms "$M" NORTH-2025-03-2 Kind)" "NORTH-2025-03-2 Kind"
assert_eq 96000 "$(ms "$M" NORTH-2025-03-2 PeriodDuePence)" "restated PeriodDuePence 96 000"
assert_eq 4500 "$(ms "$M" NORTH-2025-03-2 AmountDuePence)" "restated AmountDuePence 96 000 - 91 500"
assert_eq ORIGINAL "$(ms "$M" SOUTH-2025-03-1 Kind)" "SOUTH reissued, still the original"
assert_eq 87834 "$(mx "$M" GrpHdr/CtrlSumPence)" "control sum 4 500 + 83 334"
assert_eq "$(ctrl_sum "$OUT" "$M")" "$(mx "$M" GrpHdr/CtrlSumPence)" "control sum = the files' AmountDuePence"
assert_eq "$(sha256sum <"$OUT/NORTH-2025-03-2.xml" | cut -d' ' -f1)" "$(ms "$M" NORTH-2025-03-2 Sha256)" "restatement's Sha256"
assert_eq "$(q "SELECT run_id FROM pbr.settlement WHERE statement_id = 'NORTH-2025-03-2'")" \
	"$(mx "$M" GrpHdr/RunId)" "header RunId: the restating run"
assert_eq "$(q "SELECT run_id FROM pbr.settlement WHERE statement_id = 'SOUTH-2025-03-1'")" \
	"$(ms "$M" SOUTH-2025-03-1 RunId)" "reissued SOUTH keeps the run that issued it"
assert_match '^total: 2 statements, amount due .*878\.34$' "$(grep '^total' "$TMP/console2")" "total line after the restatement"
sed 's#<CtrlSumPence>87834<#<CtrlSumPence>87835<#' "$M" >"$TMP/bad.xml"
assert_fails "xmlsec1 rejects a changed control sum" xmlsec1 --verify --trusted-pem "$TMP/c.pem" "$TMP/bad.xml"

# a dry run writes no manifest; a draft of a settled month is shaped as a
# restatement and the table says it would change nothing (as for a period);
# --unsigned writes an unsigned manifest; --quiet prints no table
mkdir -p "$TMP/draft" "$TMP/unsigned" "$TMP/quiet"
assert_exit 0 "$PBR" run --month 2025-03 --out "$TMP/draft" --dry-run
assert_true "dry run: drafts written" test -s "$TMP/draft/NORTH-2025-03-draft.xml"
assert_true "dry run: no manifest" test ! -e "$TMP/draft/2025-03-run.xml"
assert_match '\(restatement draft of NORTH-2025-03-2: would change nothing\)$' "$(grep '^NORTH' "$LAST_OUT")" \
	"dry run of a settled month: would change nothing"
assert_match '^total: 2 drafts, ' "$(grep '^total' "$LAST_OUT")" "dry run: the total line counts drafts"
assert_eq NORTH-2025-03-2 "$(xp "$TMP/draft/NORTH-2025-03-draft.xml" /MonthlyStatement/Header/Supersedes)" "the draft supersedes what is in force"
assert_eq 0 "$(xp "$TMP/draft/NORTH-2025-03-draft.xml" /MonthlyStatement/Summary/AmountDuePence)" "... and would change nothing"
assert_exit 0 "$PBR" run --month 2025-03 --out "$TMP/quiet" --unsigned --quiet
assert_eq "" "$(cat "$LAST_OUT")" "--quiet: no table"
assert_true "--quiet: the manifest is written all the same" test -s "$TMP/quiet/2025-03-run.xml"
assert_exit 0 "$PBR" run --month 2025-03 --help
assert_match 'run --period P \| --month YYYY-MM' "$(cat "$LAST_OUT")" "run --month --help: the one usage of run"
assert_exit 0 "$PBR" run --month 2025-03 --out "$TMP/unsigned" --unsigned
assert_exit 0 xmllint --noout --schema "$MXSD" "$TMP/unsigned/2025-03-run.xml"
assert_eq 0 "$(xcount "$TMP/unsigned/2025-03-run.xml" //Signature)" "--unsigned: manifest unsigned too"
assert_eq 87834 "$(mx "$TMP/unsigned/2025-03-run.xml" GrpHdr/CtrlSumPence)" "reissued elsewhere: the same control sum"

# ---------------------------------------------------------------------------
# Part 2, --jobs: the demo's 21 contracts, December 2024 (each reads twelve
# months of volumes), in two databases loaded alike: --jobs 1 in one,
# --jobs 4 in the other.  Both runs are first runs (RunId 1), so the
# statements differ at most in CreatedAt (the time of each run), and the
# manifests in CreDtTm and the Sha256 of those bytes; annexes are equal
# byte for byte.  Then --jobs 4 re-runs the --jobs 1 database: each worker
# recomputes every statement and must find the recorded input and annex
# digests (else exit 70), and the reissue rewrites the same bytes.
# ---------------------------------------------------------------------------
J1=${PGDATABASE}_j1
J4=${PGDATABASE}_j4
for db in "$J1" "$J4"; do
	createdb "$db" || die "createdb $db"
	PGDATABASE=$db migrate
	PGDATABASE=$db "$PBR" demo-data --members 200 --seed 3 >/dev/null || die "demo-data $db"
done
# sessions DB: how many sessions the database has had (pg_stat_database;
# this query's own session counts once it has ended and reported).
sessions() {
	PGDATABASE=$1 q "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
}
# run_sessions DB S0 WANT: the sessions since S0 (read by sessions, whose
# own session is one of them) less the reading sessions, polled up to 10 s
# until WANT have reported (a backend reports at exit)
run_sessions() {
	local n i d=0
	for i in $(seq 1 20); do
		n=$(sessions "$1")
		d=$((n - $2 - i))
		[ "$d" -ge "$3" ] && break
		sleep 0.5
	done
	echo "$d"
}
mkdir -p "$TMP/j1" "$TMP/j4"
s0=$(sessions "$J1")
assert_exit 0 env PGDATABASE="$J1" "$PBR" run --month 2024-12 --out "$TMP/j1" --unsigned --jobs 1
cp "$LAST_OUT" "$TMP/console-j1"
assert_eq 1 "$(run_sessions "$J1" "$s0" 1)" "--jobs 1: one connection"
s0=$(sessions "$J4")
assert_exit 0 env PGDATABASE="$J4" "$PBR" run --month 2024-12 --out "$TMP/j4" --unsigned --jobs 4
cp "$LAST_OUT" "$TMP/console-j4"
assert_eq 5 "$(run_sessions "$J4" "$s0" 5)" "--jobs 4: the run's connection and four workers'"
n=$(PGDATABASE=$J1 q "SELECT count(*) FROM pbr.contract_year WHERE year = 2024")
assert_eq 21 "$n" "21 contracts billed"
assert_eq $((2 * n + 1)) "$(find "$TMP/j4" -type f | wc -l | tr -d ' ')" "--jobs 4: statements, annexes and the manifest"
assert_eq "$(cd "$TMP/j1" && ls)" "$(cd "$TMP/j4" && ls)" "--jobs 1 and --jobs 4: the same file names"
same=0
for f in "$TMP"/j1/*; do
	b=$(basename "$f")
	case $b in
	*-annex.csv) cmp -s "$f" "$TMP/j4/$b" && same=$((same + 1)) ;;
	*-run.xml) cmp -s <(grep -v -e '<CreDtTm>' -e '<Sha256>' "$f") \
		<(grep -v -e '<CreDtTm>' -e '<Sha256>' "$TMP/j4/$b") && same=$((same + 1)) ;;
	*) cmp -s <(grep -v '<CreatedAt>' "$f") <(grep -v '<CreatedAt>' "$TMP/j4/$b") && same=$((same + 1)) ;;
	esac
done
assert_eq $((2 * n + 1)) "$same" "--jobs 4 = --jobs 1: annexes byte for byte, statements but for CreatedAt"
ledger_figures="SELECT contract_id, input_digest, annex_digest, period_due_pence, amount_due_pence
	FROM pbr.settlement ORDER BY contract_id"
assert_eq "$(PGDATABASE=$J1 q "$ledger_figures" | sha256sum)" "$(PGDATABASE=$J4 q "$ledger_figures" | sha256sum)" \
	"the ledgers agree: digests and figures of every contract"
assert_eq "$(grep '^total' "$TMP/console-j1")" "$(grep '^total' "$TMP/console-j4")" "the same total line"
assert_exit 0 env PGDATABASE="$J4" "$PBR" verify "$TMP/j4/CRC05-2024-12-1.xml" --allow-unsigned
cp -a "$TMP/j1" "$TMP/j1-first"
assert_exit 0 env PGDATABASE="$J1" "$PBR" run --month 2024-12 --out "$TMP/j1" --unsigned --jobs 4
assert_eq "$n" "$(grep -c 'unchanged, reissued' "$LAST_OUT")" "--jobs 4 re-run: every statement unchanged"
assert_true "--jobs 4 re-run: every file byte-identical to the --jobs 1 run" diff -r "$TMP/j1" "$TMP/j1-first"

# a fault in one contract's returns fails the whole --jobs run: nothing written
PGDATABASE=$J4 q "INSERT INTO pbr.volume_return SELECT contract_id, '2024-11', band_code, NULL
	FROM pbr.band_weight WHERE contract_id = 'CRC09' AND year = 2024 LIMIT 1" >/dev/null
mkdir -p "$TMP/j4bad"
assert_exit 65 env PGDATABASE="$J4" "$PBR" run --month 2024-11 --out "$TMP/j4bad" --unsigned --jobs 4
assert_match 'CRC09' "$(cat "$LAST_ERR")" "the fault names its contract"
assert_empty_dir "$TMP/j4bad" "--jobs 4 run refused: nothing written"
assert_eq 0 "$(PGDATABASE=$J4 q "SELECT count(*) FROM pbr.settlement WHERE period = '2024-11'")" "nothing recorded"
dropdb "$J1" 2>/dev/null
dropdb "$J4" 2>/dev/null
finish
