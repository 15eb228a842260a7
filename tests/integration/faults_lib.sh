# shellcheck shell=bash
# faults_lib.sh - shared by the 5xx fault tests: a template database with
# demo data, fresh copies of it, and the consistency checks every fault
# must leave true.  Source after lib.sh.

FAULTY=${FAULTY:-$(dirname "$PBR")/faults/pbr-settle}
PERIOD=${PERIOD:-2025Q4}
CONTRACTS=(--contract CRC01 --contract CRC02 --contract CRC03)
TPL=${PGDATABASE}_tpl

# make_template MEMBERS: migrate and load demo data into $TPL once.
make_template() {
	createdb "$TPL" || die "createdb $TPL"
	PGDATABASE=$TPL "$PBR" migrate >/dev/null || die "migrate $TPL"
	PGDATABASE=$TPL "$PBR" demo-data --members "$1" --seed 7 >/dev/null || die "demo-data"
	# small cohorts: keep the planted bad rows under the reject limit
	PGDATABASE=$TPL q "UPDATE pbr.tariff SET max_reject_ppm = 200000" >/dev/null
}

# fresh_db NAME: a new database copied from the template.
fresh_db() {
	dropdb --if-exists "$1" 2>/dev/null
	createdb -T "$TPL" "$1" || die "createdb -T $TPL $1"
}

# strip_volatile FILE: the statement without RunId and CreatedAt (which
# come from the ledger row of the run that first committed it); in the run
# manifest also its MsgId and CreDtTm and the statements' SHA-256.
strip_volatile() {
	grep -v -e '<RunId>' -e '<CreatedAt>' -e '<MsgId>' -e '<CreDtTm>' -e '<Sha256>' "$1"
}

# consistent DB DIR LABEL: files at final names are whole and recorded;
# prints nothing and returns 0 when so, else one line per problem.
consistent() {
	local db=$1 dir=$2 label=$3 f id hex rec bad=0
	for f in "$dir"/*-[0-9]*.xml; do
		[ -e "$f" ] || continue
		case $f in *-run.xml) continue ;; esac   # a month's run manifest
		id=$(basename "$f" .xml)
		hex=$(sha256sum "$f" | cut -d' ' -f1)
		rec=$(PGDATABASE=$db q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = '$id'")
		if [ "$hex" != "$rec" ]; then
			echo "$label: $f at its final name does not match the ledger (file $hex, ledger '${rec}')"
			bad=1
		fi
	done
	for f in "$dir"/*-annex.csv; do
		[ -e "$f" ] || continue
		id=$(basename "$f" -annex.csv)
		hex=$(sha256sum "$f" | cut -d' ' -f1)
		rec=$(PGDATABASE=$db q "SELECT annex_digest FROM pbr.settlement WHERE statement_id = '$id'")
		if [ "$hex" != "$rec" ]; then
			echo "$label: annex $f at its final name does not match the ledger"
			bad=1
		fi
	done
	return $bad
}

# complete DB DIR LABEL: every ledger row has its statement and annex.
complete() {
	local db=$1 dir=$2 label=$3 id bad=0
	for id in $(PGDATABASE=$db q "SELECT statement_id FROM pbr.settlement ORDER BY 1"); do
		if [ ! -f "$dir/$id.xml" ] || [ ! -f "$dir/$id-annex.csv" ]; then
			echo "$label: ledger row $id has no statement or annex file"
			bad=1
		fi
	done
	consistent "$db" "$dir" "$label" || bad=1
	return $bad
}

# same_as_reference DIR REFDIR LABEL: the same files, equal but for RunId
# and CreatedAt.
same_as_reference() {
	local dir=$1 ref=$2 label=$3 f b bad=0
	for f in "$ref"/*; do
		b=$(basename "$f")
		if [ ! -f "$dir/$b" ]; then
			echo "$label: $b missing after recovery"
			bad=1
		elif ! cmp -s <(strip_volatile "$f") <(strip_volatile "$dir/$b"); then
			echo "$label: $b differs from the crash-free run"
			bad=1
		fi
	done
	return $bad
}

# recover DB DIR LABEL: re-run, check completeness and equality with the
# reference, then re-run again and require byte-identical files.
recover() {
	local db=$1 dir=$2 label=$3 out
	if ! PGDATABASE=$db "$PBR" run --unsigned --period "$PERIOD" "${CONTRACTS[@]}" --out "$dir" >"$TMP/rerun.out" 2>&1; then
		fail "$label: re-run after the fault failed: $(tail -1 "$TMP/rerun.out")"
		return
	fi
	out=$(complete "$db" "$dir" "$label"; same_as_reference "$dir" "$REF" "$label")
	if [ -n "$out" ]; then
		fail "$out"
		return
	fi
	rm -rf "$TMP/again" && cp -a "$dir" "$TMP/again"
	PGDATABASE=$db "$PBR" run --unsigned --period "$PERIOD" "${CONTRACTS[@]}" --out "$dir" >/dev/null 2>&1
	if ! diff -r "$dir" "$TMP/again" >/dev/null; then
		fail "$label: a second re-run changed the files"
		return
	fi
	CHECKS=$((CHECKS + 1))
}
