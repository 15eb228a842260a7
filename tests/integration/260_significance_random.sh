#!/usr/bin/env bash
# 260_significance_random: a differential test of SPEC 5 and 5a.  Forty
# contracts with random small cohorts (where a significance test flips from
# one member to the next) and random tariffs, half on each rule, with caps
# and deduction caps that sometimes bind and termination lines that
# sometimes trip, are settled by the engine and by the SQL reference
# implementation (tests/integration/reference.sql, exact numeric); every
# figure of every statement must agree.  The data are drawn by the server
# from a fixed seed, so a failure reproduces.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql -q >/dev/null <<'SQL' || die "loading the random data set failed"
SELECT setseed(0.2605);
INSERT INTO pbr.provider (id, name) VALUES ('PX', 'Provider X');
INSERT INTO pbr.need (code, description) VALUES
  ('ACC', 'accommodation'), ('SUB', 'substance misuse'), ('EMP', 'employment');
INSERT INTO pbr.cpa (code, name)
  SELECT 'C' || lpad(i::text, 2, '0'), 'CPA ' || i FROM generate_series(1, 40) AS i;
INSERT INTO pbr.pcc_area (code, name, cpa_code)
  SELECT 'C' || lpad(i::text, 2, '0') || '-' || a, 'Area ' || a, 'C' || lpad(i::text, 2, '0')
    FROM generate_series(1, 40) AS i, generate_series(1, 3) AS a;
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
    binary_hurdle_ppm, cohort_cap_pence, max_weight_bp, max_reject_ppm, description,
    binary_mode, significance_z_milli, deduction_price_pence, deduction_cap_pence,
    termination_ppm)
  SELECT 'T' || lpad(i::text, 2, '0'),
         (random() * 400000)::bigint, (random() * 100000)::bigint,
         (random() * 60000)::int,
         CASE WHEN i % 5 = 0 THEN (random() * 200000)::bigint ELSE 1000000000 END,
         15000 + (random() * 20000)::int, 1000000, 'random tariff ' || i,
         CASE WHEN i % 2 = 0 THEN 'significance' ELSE 'hurdle' END,
         (500 + random() * 2500)::int, (random() * 400000)::bigint,
         CASE WHEN i % 3 = 0 THEN (random() * 100000)::bigint ELSE 1000000000 END,
         CASE WHEN i % 4 = 0 THEN NULL ELSE (random() * 300000)::int END
    FROM generate_series(1, 40) AS i;
INSERT INTO pbr.tariff_need_uplift (tariff_version, need_code, uplift_bp)
  SELECT 'T' || lpad(i::text, 2, '0'), n, (random() * 12000)::int
    FROM generate_series(1, 40) AS i, unnest(ARRAY['ACC', 'SUB']) AS n;
INSERT INTO pbr.contract (id, provider_id, cpa_code, first_cohort, last_cohort)
  SELECT 'K' || lpad(i::text, 2, '0'), 'PX', 'C' || lpad(i::text, 2, '0'), '2024Q1', '2024Q1'
    FROM generate_series(1, 40) AS i;
INSERT INTO pbr.contract_tariff (contract_id, from_cohort, tariff_version)
  SELECT 'K' || lpad(i::text, 2, '0'), '2024Q1', 'T' || lpad(i::text, 2, '0')
    FROM generate_series(1, 40) AS i;
-- 4..60 members a contract; p at the edges now and then; reoffending
-- sometimes well above, sometimes well below prediction
INSERT INTO pbr.cohort_member (offender_ref, cohort_quarter, cpa_code, pcc_code,
    start_date, predicted_binary_ppm, predicted_frequency_milli, needs,
    reoffence_count, outcome_status)
  SELECT 'M' || lpad(i::text, 2, '0') || '-' || lpad(j::text, 3, '0'), '2024Q1',
         'C' || lpad(i::text, 2, '0'),
         'C' || lpad(i::text, 2, '0') || '-' || (1 + (random() * 2)::int),
         date '2024-01-01' + (random() * 90)::int,
         p, (random() * 3000)::int,
         (ARRAY['', 'ACC', 'SUB', 'ACC+SUB', 'EMP', 'ACC+SUB+EMP', 'SUB+SUB'])[1 + (random() * 6)::int],
         CASE WHEN random() * 1000000 < p * (CASE i % 3 WHEN 0 THEN 0.4 WHEN 1 THEN 1.6 ELSE 1.0 END)
              THEN 1 + (random() * 3)::int ELSE 0 END,
         'final'
    FROM generate_series(1, 40) AS i,
         LATERAL generate_series(1, 4 + (random() * 56)::int + i * 0) AS j,
         LATERAL (SELECT CASE WHEN random() < 0.05 THEN 0
                              WHEN random() < 0.05 THEN 1000000
                              ELSE (50000 + random() * 700000)::int END + j * 0 AS p) AS pp;
SQL
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$OUT" --dry-run
psql -X -At -F'|' -v cohort=2024Q1 -f "$SRCDIR/tests/integration/reference.sql" \
	>"$TMP/reference.txt" || die "reference.sql failed"

figures=0
bad=0
while IFS='|' read -r contract path value; do
	file=$OUT/$contract-2025Q4-draft.xml
	[ -f "$file" ] || die "no draft for $contract"
	figures=$((figures + 1))
	got=$(sx "$file" "$path")
	if [ "$got" != "$value" ]; then
		bad=$((bad + 1))
		[ "$bad" -le 20 ] && printf '    %s %s: engine %s, reference %s\n' "$contract" "$path" "$got" "$value"
	fi
done <"$TMP/reference.txt"
assert_true "the reference gave figures for 40 contracts ($figures)" test "$figures" -gt 3000
assert_eq 0 "$bad" "figures differing from reference.sql (of $figures)"

# The data set exercises what it is meant to: every outcome of the test
# and the rule, and binding caps.
count() { grep -l "<$1>$2</$1>" "$OUT"/*-draft.xml | wc -l; }
sig_mode=$(grep -l '<BinaryMode>significance</BinaryMode>' "$OUT"/*-draft.xml | wc -l)
assert_true "20 contracts on the significance rule ($sig_mode)" test "$sig_mode" -eq 20
for want in "BinarySignificant true" "BinarySignificant false" "TerminationFlag true" \
	"BinaryHurdleMet true" "BinaryHurdleMet false"; do
	n=$(count ${want% *} ${want#* })
	assert_true "some statements with $want ($n)" test "$n" -gt 0
done
deducted=$(grep -h '<DeductionPence>' "$OUT"/*-draft.xml | grep -vc '<DeductionPence>0</DeductionPence>')
assert_true "deductions made ($deducted lines)" test "$deducted" -gt 0
negative=$(grep -h '<TotalPence>-' "$OUT"/*-draft.xml | wc -l)
assert_true "negative totals ($negative)" test "$negative" -gt 0
capcut=$(grep -h '<CapCutPence>' "$OUT"/*-draft.xml | grep -vc '<CapCutPence>0</CapCutPence>')
assert_true "a binding cohort cap ($capcut)" test "$capcut" -gt 0
finish
