#!/usr/bin/env bash
# 560_alloc_failures: out of memory at every allocation of our own code
# (SQLite's and curl's malloc-failure "torture" tests).  build/failmalloc.so
# (tests/oom/failmalloc.c), preloaded, makes the Nth malloc, calloc,
# realloc, strdup, strndup, fopen or fdopen called from pbr-settle itself
# fail with ENOMEM (never one of libpq, libxml2, OpenSSL or glibc).  For
# each command below a run with nothing failing first counts its
# allocations C (and must give the normal result), then the command runs
# again with N = 1, 1 + STRIDE, ... up to C: STRIDE is 1 unless the command
# makes more than MAX allocations (PBR_OOM_MAX, default 120; less where
# the calls repeat, as the comments below say: migrate, import, run --jobs
# 2, the index and the PCC view, which try the odd N in CSV and the even N
# in HTML).  Each run must: not die of a signal; exit 0 with the normal
# result (byte for byte for the readers) or exit a sysexits code (64..78,
# 71 for "out of memory") with exactly one line on stderr; leave no
# temporary file and nothing new in its output directory (simulate may
# keep the whole drafts it wrote); and leave the ledger (rows of
# pbr.settlement) as it was.  After the failures the same command, run
# without one, succeeds.  Every failing run and its line are listed in
# $TMP/outcomes.txt.  Runs the plain build: ASan replaces malloc, so under
# an ASan engine only the runs without a failure are made.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SHIM=${PBR_FAILMALLOC:-$(dirname "$PBR")/failmalloc.so}
MAX=${PBR_OOM_MAX:-120}
REP=$TMP/alloc.report
K=$TMP/keys
mkdir -p "$K"
asan=0
if grep -qa __asan_init "$PBR"; then
	asan=1
	echo "note: $PBR is an ASan build (ASan replaces malloc): only the runs without a failure"
elif [ ! -f "$SHIM" ]; then
	die "$SHIM is not built (make faults)"
fi
for who in signer validator; do
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj "/CN=$who" \
		-keyout "$K/$who.key" -out "$K/$who.pem" 2>/dev/null || die "openssl req"
done

ledger() { q "SELECT count(*) FROM pbr.settlement"; }
# rows_of DB: the ledger's rows, -1 before there is a ledger
rows_of() { PGDATABASE=$1 q "SELECT count(*) FROM pbr.settlement" 2>/dev/null || echo -1; }

# ---- the data: a migrated empty database, and one with demo data and a
# few statements to verify, certify and report on -----------------------
EMPTY=${PGDATABASE}_empty
TPL=${PGDATABASE}_tpl
migrate
"$PBR" demo-data --members 2000 --seed 7 >/dev/null || die "demo-data"
q "UPDATE pbr.tariff SET max_reject_ppm = 200000" >/dev/null
SEEN=$TMP/seen
mkdir -p "$SEEN"
"$PBR" run --period 2025Q4 --contract CRC01 --out "$SEEN" \
	--sign-key "$K/signer.key" --sign-cert "$K/signer.pem" >/dev/null || die "run 2025Q4"
"$PBR" run --period 2025Q4 --contract CRC02 --out "$SEEN" --unsigned >/dev/null || die "run 2025Q4 CRC02"
"$PBR" run --month 2024-06 --contract CRC01 --out "$SEEN" --unsigned >/dev/null || die "run 2024-06"
STMT=$SEEN/CRC01-2025Q4-1.xml
MONTHLY=$SEEN/CRC01-2024-06-1.xml
PCC=$(q "SELECT min(pcc_code) FROM pbr.cohort_member WHERE cpa_code = 'CPA01'")
ROWS=$(ledger)
assert_eq 3 "$ROWS" "three statements recorded for the commands to read"
createdb "$EMPTY" || die "createdb $EMPTY"
PGDATABASE=$EMPTY "$PBR" migrate >/dev/null || die "migrate $EMPTY"
createdb -T "$PGDATABASE" "$TPL" || die "createdb -T $PGDATABASE $TPL"

# fresh DB FROM: DB becomes a new copy of FROM ('' for an empty database)
fresh() {
	dropdb --if-exists "$1" 2>/dev/null
	if [ -n "$2" ]; then createdb -T "$2" "$1"; else createdb "$1"; fi || die "createdb $1"
}

# files DIR: the names in DIR, temporary ones (.NAME.tmp.PID) included
files() { ls -A "$1" 2>/dev/null; }

# torture NAME DB FROM OUTDIR CHECK CMD...: runs CMD (pbr-settle's
# arguments) on database DB with each allocation failing in turn, as the
# header says.  FROM: the database DB is copied from before the first run
# and again after each run that changed the ledger or succeeded ('' for a
# new empty database; '-' to keep DB as it is).  OUTDIR: the directory CMD
# writes into, emptied before each run ('' when it writes none).  CHECK: a
# function that gets OUTDIR and the file of the run's stdout, and prints
# nothing when the run's result is the normal one.
torture() {
	local name=$1 db=$2 from=$3 out=$4 check=$5 c n rc step before after lines got bad=0 ok=0 failed=0 extra codes="" t0=$SECONDS
	shift 5
	[ "$from" = - ] || fresh "$db" "$from"
	[ -z "$out" ] || { rm -rf "$out" && mkdir -p "$out"; }
	rm -f "$REP"
	if [ "$asan" -eq 1 ]; then
		PGDATABASE=$db "$PBR" "$@" >"$TMP/ref.out" 2>"$TMP/ref.err"
		rc=$?
	else
		PGDATABASE=$db LD_PRELOAD=$SHIM PBR_FAIL_ALLOC=0 PBR_FAIL_ALLOC_REPORT=$REP \
			"$PBR" "$@" >"$TMP/ref.out" 2>"$TMP/ref.err"
		rc=$?
	fi
	assert_eq 0 "$rc" "$name: without a failure, exit 0 ($(head -c 300 "$TMP/ref.err"))"
	# what every run that exits 0 must give again
	cp "$TMP/ref.out" "$TMP/ref.stdout"
	rm -f "$TMP/ref.file"
	[ -z "$OUTFILE" ] || [ ! -f "$OUTFILE" ] || cp "$OUTFILE" "$TMP/ref.file"
	assert_eq "" "$("$check" "$out" "$TMP/ref.out")" "$name: without a failure, the normal result"
	[ "$asan" -eq 0 ] || return 0
	c=$(sed -n 's/^allocs \([0-9]*\).*/\1/p' "$REP")
	step=$(((c + MAX - 1) / MAX))
	[ "$step" -ge 1 ] || step=1
	echo "$name: $c allocations of its own; N = ${START:-1}..$c, stride $step"
	for ((n = ${START:-1}; n <= c; n += step)); do
		if [ "$from" != - ] && { [ "$ok" -eq 1 ] || [ "$FRESH_EACH" = 1 ]; }; then
			fresh "$db" "$from"
		fi
		[ -z "$out" ] || { rm -rf "$out" && mkdir -p "$out"; }
		before=$(rows_of "$db")
		rm -f "$REP"
		PGDATABASE=$db LD_PRELOAD=$SHIM PBR_FAIL_ALLOC=$n PBR_FAIL_ALLOC_REPORT=$REP \
			"$PBR" "$@" >"$TMP/n.out" 2>"$TMP/n.err"
		rc=$?
		after=$(rows_of "$db")
		where=$(sed -n 's/.* at \(0x[0-9a-f]*\)$/\1/p' "$REP")
		why="$name N=$n (at $where): exit $rc"
		printf '%s | %s\n' "$why" "$(head -c 300 "$TMP/n.err" | tr '\n' ' ')" >>"$OUTCOMES"
		ok=0
		if [ -z "$where" ]; then
			fail "$why: allocation $n did not fail (the shim did not act, or the count changed)"
			bad=$((bad + 1))
		fi
		INJECTED=$((INJECTED + 1))
		if [ "$rc" -ge 128 ]; then
			fail "$why: killed by signal $((rc - 128)); $(head -c 300 "$TMP/n.err")"
			bad=$((bad + 1))
			ok=1
			continue
		fi
		if [ "$rc" -eq 0 ]; then
			ok=1
			got=$("$check" "$out" "$TMP/n.out")
			if [ -n "$got" ]; then
				fail "$why, but not the normal result: $got"
				bad=$((bad + 1))
			fi
			continue
		fi
		failed=$((failed + 1))
		case " $codes " in *" $rc "*) ;; *) codes="$codes $rc" ;; esac
		lines=$(grep -c . "$TMP/n.err")
		if [ "$rc" -lt 64 ] || [ "$rc" -gt 78 ]; then
			fail "$why, not a sysexits code: $(head -c 300 "$TMP/n.err")"
			bad=$((bad + 1))
		elif [ "$lines" -ne 1 ]; then
			fail "$why with $lines lines on stderr: $(head -c 500 "$TMP/n.err")"
			bad=$((bad + 1))
		elif ! grep -q '^pbr-settle: ' "$TMP/n.err"; then
			fail "$why: the line is not the program's: $(cat "$TMP/n.err")"
			bad=$((bad + 1))
		fi
		if [ "$before" != -1 ] && [ "$before" != "$after" ]; then
			fail "$why, and the ledger went from $before to $after rows"
			bad=$((bad + 1))
			ok=1
		fi
		if [ -n "$out" ]; then
			extra=$(files "$out" | tr '\n' ' ')
			if [ "$KEEP_WHOLE" = 1 ]; then   # whole files may stay, no temporary one
				extra=$(files "$out" | grep '^\.' | tr '\n' ' ')
			fi
			if [ -n "$extra" ]; then
				fail "$why, and left in its output directory: $extra"
				bad=$((bad + 1))
			fi
		fi
		if [ -n "$OUTFILE" ]; then
			extra=$(files "$(dirname "$OUTFILE")" | tr '\n' ' ')
			if [ -n "$extra" ]; then
				fail "$why, and left beside its output file: $extra"
				bad=$((bad + 1))
				rm -f "$(dirname "$OUTFILE")"/.??* "$OUTFILE"
			fi
		fi
	done
	ALLOC_SUMMARY+=("$name: $c allocations, N = ${START:-1}..$c stride $step: $failed runs failed (exit$codes), $bad wrong; $((SECONDS - t0))s")
	CHECKS=$((CHECKS + 1))
	if [ "$bad" -eq 0 ]; then
		pass "$name: every failing allocation handled ($failed runs failed, exit codes:${codes:- none})"
	fi
	# and then, as it was, without a failure
	[ "$from" = - ] || fresh "$db" "$from"
	[ -z "$out" ] || { rm -rf "$out" && mkdir -p "$out"; }
	PGDATABASE=$db "$PBR" "$@" >"$TMP/again.out" 2>"$TMP/again.err"
	rc=$?
	assert_eq 0 "$rc" "$name: after the failures, the same command succeeds"
	assert_eq "" "$("$check" "$out" "$TMP/again.out")" "$name: ... with the normal result"
}
ALLOC_SUMMARY=()
INJECTED=0
# every failing run, its exit code and its line (for a reader of the log's directory)
OUTCOMES=$TMP/outcomes.txt

# ---- the checks of a normal result --------------------------------------

# migrate: every migration recorded
n_migrations=$(find "$SRCDIR/migrations" -name '[0-9][0-9][0-9][0-9]_*.sql' | wc -l | tr -d ' ')
check_migrate() {
	local got
	got=$(PGDATABASE=$DB q "SELECT count(*) FROM pbr.schema_migration" 2>&1)
	[ "$got" = "$n_migrations" ] || echo "$got of $n_migrations migrations recorded"
}
# a statement and its annex, recorded, valid against the schema
check_run() {
	local f id
	for id in $WANT; do
		f=$1/$id.xml
		[ -f "$f" ] || { echo "no $id.xml in $(files "$1" | tr '\n' ' ')"; continue; }
		[ -f "$1/$id-annex.csv" ] || echo "no $id-annex.csv"
		[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(PGDATABASE=$DB q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = '$id'")" ] ||
			echo "$id.xml is not the recorded statement"
	done
	[ -z "$(find "$1" -name '.*')" ] || echo "temporary files left: $(find "$1" -name '.*')"
}
# the stdout of the run without a failure, and its output file (OUTFILE)
# when it writes one, whole and byte for byte
check_same() {
	cmp -s "$2" "$TMP/ref.stdout" ||
		echo "stdout differs from the run without a failure: $(diff "$TMP/ref.stdout" "$2" | head -6 | tr '\n' ' ')"
	[ -n "$OUTFILE" ] || return 0
	[ -s "$OUTFILE" ] || { echo "no $OUTFILE"; return; }
	case $OUTFILE in
	*.html) grep -q '</html>' "$OUTFILE" || echo "$OUTFILE is cut" ;;
	*.csv) [ "$(tail -c 1 "$OUTFILE" | od -An -c | tr -d ' ')" = '\n' ] || echo "$OUTFILE does not end a line" ;;
	*.xml) xmllint --noout "$OUTFILE" 2>/dev/null || echo "$OUTFILE is not XML" ;;
	esac
	cmp -s "$OUTFILE" "$TMP/ref.file" ||
		echo "$OUTFILE differs from the run without a failure: $(diff "$TMP/ref.file" "$OUTFILE" | head -6 | tr '\n' ' ')"
	rm -f "$OUTFILE"
}
check_demo() {
	local got
	got=$(PGDATABASE=$DB q "SELECT count(*) FROM pbr.cohort_member")
	[ "$got" -gt 0 ] || echo "no cohort rows"
}
check_import() {
	local got
	got=$(PGDATABASE=$DB q "SELECT count(*) FROM pbr.cohort_member WHERE cohort_quarter = '2024Q2' AND offender_ref LIKE 'OOM%'")
	[ "$got" = 3 ] || echo "$got of 3 rows imported"
}
check_none() { :; }

OUT=$TMP/out
OUTFILE=          # the file a command writes (--out FILE), checked by check_same
KEEP_WHOLE=0      # 1: a failed run may leave whole files in its OUTDIR
FRESH_EACH=0      # 1: a new copy of the database before every run

DB=${PGDATABASE}_m
# each migration commits on its own: every run starts from an empty
# database; three calls a migration file, so every other N tries each
FRESH_EACH=1 MAX=20 torture migrate "$DB" '' '' check_migrate migrate
torture "demo-data" "$DB" "$EMPTY" '' check_demo demo-data --members 40 --seed 3

# import: three new rows of an existing CPA and area
{
	echo "$COHORT_COLUMNS"
	for i in 1 2 3; do echo "OOM$i,2024Q2,CPA01,$PCC,2024-05-0$i,500000,1500,ACC,0,final"; done
} >"$TMP/import.csv"
DB=${PGDATABASE}_t
# most calls are one strdup per reference code (CPA, contract): every other N
MAX=25 torture "import cohort" "$DB" "$TPL" '' check_import import cohort "$TMP/import.csv"

WANT="CRC03-2025Q4-1"
torture "run --period (signed, annex)" "$DB" "$TPL" "$OUT" check_run \
	run --period 2025Q4 --contract CRC03 --out "$OUT" --sign-key "$K/signer.key" --sign-cert "$K/signer.pem"
WANT="CRC04-2025Q4-1 CRC05-2025Q4-1"
# two contracts make the same calls: every other N
MAX=40 torture "run --period --jobs 2" "$DB" "$TPL" "$OUT" check_run \
	run --period 2025Q4 --contract CRC04 --contract CRC05 --jobs 2 --out "$OUT" --unsigned
WANT="CRC02-2024-06-1"
torture "run --month" "$DB" "$TPL" "$OUT" check_run \
	run --month 2024-06 --contract CRC02 --out "$OUT" --unsigned

# the readers: the database does not change, so no copy
torture "verify (signed)" "$DB" "$TPL" '' check_same verify "$STMT" --cert "$K/signer.pem"
torture "verify (monthly)" "$DB" - '' check_same verify "$MONTHLY" --allow-unsigned
OUTFILE=$TMP/rep/certified.xml
mkdir -p "$TMP/rep"
torture certify "$DB" - "" check_same certify "$STMT" --sign-key "$K/validator.key" \
	--sign-cert "$K/validator.pem" --out "$OUTFILE"
# the index and the PCC view make the same calls for CSV and HTML up to
# the stylesheet and repeat them per statement: the odd N in CSV, the even
# N in HTML
for fmt in csv html; do
	max=30
	start=1
	[ "$fmt" = csv ] || start=2
	OUTFILE=$TMP/rep/r.$fmt
	torture "report FILE $fmt" "$DB" - "" check_same report "$STMT" --format "$fmt" --out "$OUTFILE"
	torture "report FILE $fmt (monthly)" "$DB" - "" check_same report "$MONTHLY" --format "$fmt" --out "$OUTFILE"
	START=$start MAX=$max torture "report --index $fmt" "$DB" - "" check_same report --index "$SEEN" --format "$fmt" --out "$OUTFILE"
	START=$start MAX=$max torture "report --pcc $fmt" "$DB" - "" check_same report --pcc "$PCC" --from 2025Q4 --to 2025Q4 --format "$fmt" --out "$OUTFILE"
	torture "report --contract-year $fmt" "$DB" - "" check_same report --contract-year CRC01 2024 --format "$fmt" --out "$OUTFILE"
done
OUTFILE=
torture history "$DB" - "" check_same history
torture "history csv" "$DB" - "" check_same history --contract CRC01 --format csv
# simulate --out makes simulate's allocations and then writes the drafts
KEEP_WHOLE=1 torture "simulate --out" "$DB" - "$TMP/sim" check_none simulate --period 2025Q4 --tariff "$DATA/demo_draft.tariff" \
	--contract CRC06 --out "$TMP/sim"
assert_eq "$ROWS" "$(PGDATABASE=$DB ledger)" "the readers recorded nothing"

if [ "$asan" -eq 0 ]; then
	assert_true "more than 300 runs with an allocation failing ($INJECTED)" [ "$INJECTED" -gt 300 ]
	printf 'allocations per command:\n'
	printf '  %s\n' "${ALLOC_SUMMARY[@]}"
fi
finish
