-- 0009: verification without offender rows (SPEC 10).
--
-- pbr_regulator reads statements and aggregates, never an offender row.
-- To reach a full verdict on a statement, `pbr-settle verify` needs the
-- cohort's sums, and proof that they come from the rows in the table now.
-- pbr.cohort_aggregates(contract, cohort) computes them inside the
-- database: SPEC 4 (validation, in the same order, DUPLICATE included) and
-- SPEC 5 (weights under the tariff in force, sums) over the cohort's rows,
-- returning only aggregates:
--
--   kind 'contract'  code = the CPA, info = the tariff version used
--   kind 'total'     n, W, Eb, Ab, Ef, Af, V over the accepted members
--   kind 'area'      the same per PCC area (code), areas with members only
--   kind 'band'      the same per needs band (code '0', '1-2', '3+')
--   kind 'status'    n rows per status (code ACCEPTED or the reject code)
--   kind 'rows'      n every row of the cohort; w the rows whose
--                    outcome_status is not exactly 'final'
--   kind 'input'     info = the input digest of SPEC 7
--   kind 'annex'     info = SHA-256 of the annex's figures, one line per
--                    row in annex order: weight_bp|p|y|f|r|status (weight
--                    and y empty for a rejected row, whose p, f, r are the
--                    raw values, empty for NULL).  verify computes the
--                    same from the annex file beside the statement, which
--                    ties the annex, row by row, to the table.
--
-- V = sum w^2 * p * (10^6 - p) (SPEC 5a) does not fit 64 bits: numeric.
-- The sums are numeric too; the engine refuses any that does not fit the
-- integer type SPEC 1 gives it, as a run would.
--
-- It is the second, independent implementation of SPEC 4 and 5 (the
-- engine's is engine/core.c): verify as a regulator compares the statement
-- with figures priced by the engine from these sums, so a difference
-- between the two implementations shows as a MISMATCH, never as a pass.
--
-- Safety: SECURITY DEFINER, owned by the owner of pbr.cohort_member (so
-- it reads what that owner reads, nothing more), search_path pinned to
-- pg_catalog (every object below is schema-qualified), DateStyle pinned
-- for the digest's dates, no dynamic SQL.  Only a contract's own cohort
-- quarters under the tariff in force can be asked for, so a caller cannot
-- choose tariffs or areas to difference out one offender.  EXECUTE is
-- granted to pbr_regulator alone: a CRC reads its own rows, and must not
-- get another CPA's aggregates through this function.
--
-- Limit: the input digest is computed with string_agg, so one cohort's
-- digest lines must stay under 1 GB (about 10 million rows).
CREATE FUNCTION pbr.cohort_aggregates(contract text, cohort text)
RETURNS TABLE (kind text, code text, n bigint, w numeric, eb numeric,
               ab numeric, ef numeric, af numeric, v numeric, info text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET DateStyle = 'ISO, YMD'
AS $fn$
WITH k AS (
    SELECT c.cpa_code, t.version, t.max_weight_bp,
           make_date(substr(cohort, 1, 4)::int, (substr(cohort, 6, 1)::int - 1) * 3 + 1, 1) AS lo
      FROM pbr.contract c
      JOIN LATERAL (SELECT ct.tariff_version FROM pbr.contract_tariff ct
                     WHERE ct.contract_id = c.id AND ct.from_cohort <= cohort
                     ORDER BY ct.from_cohort DESC LIMIT 1) ct ON true
      JOIN pbr.tariff t ON t.version = ct.tariff_version
     WHERE c.id = contract AND cohort ~ '^[0-9]{4}Q[1-4]$'
       AND c.first_cohort <= cohort AND c.last_cohort >= cohort
),
m AS (
    SELECT r.offender_ref, r.pcc_code, r.start_date,
           r.predicted_binary_ppm AS p, r.predicted_frequency_milli AS f,
           r.reoffence_count AS r, r.needs, r.outcome_status,
           concat_ws('|', r.offender_ref, r.cohort_quarter, coalesce(r.pcc_code, ''),
                     coalesce(r.start_date::text, ''), coalesce(r.predicted_binary_ppm::text, ''),
                     coalesce(r.predicted_frequency_milli::text, ''), r.needs,
                     coalesce(r.reoffence_count::text, ''), coalesce(r.outcome_status, '')) AS line
      FROM pbr.cohort_member r JOIN k ON r.cpa_code = k.cpa_code
     WHERE r.cohort_quarter = cohort
),
-- SPEC 5: a need listed twice counts once; SPEC 4: an empty element or a
-- code not in pbr.need is UNKNOWN_NEED
nd AS (
    SELECT m.*, x.ok, x.distinct_needs,
           least(10000 + x.uplift, k.max_weight_bp) AS wt
      FROM m CROSS JOIN k
      CROSS JOIN LATERAL (
          SELECT coalesce(bool_and(e.code <> '' AND EXISTS
                     (SELECT 1 FROM pbr.need n0 WHERE n0.code = e.code)), true) AS ok,
                 count(DISTINCT e.code) AS distinct_needs,
                 coalesce((SELECT sum(u.uplift_bp) FROM pbr.tariff_need_uplift u
                            WHERE u.tariff_version = k.version
                              AND u.need_code IN (SELECT unnest(string_to_array(m.needs, '+')))), 0) AS uplift
            FROM unnest(string_to_array(m.needs, '+')) AS e(code)
      ) x
),
-- SPEC 4, in its order: the first code that applies
st AS (
    SELECT nd.*,
           CASE
             WHEN p IS NULL OR p < 0 OR p > 1000000
               OR f IS NULL OR f < 0 OR f > 1000000 THEN 'BAD_PREDICTION'
             WHEN r IS NULL OR r < 0 OR r > 10000 THEN 'BAD_OUTCOME'
             WHEN NOT ok THEN 'UNKNOWN_NEED'
             WHEN pcc_code IS NULL OR NOT EXISTS
                  (SELECT 1 FROM pbr.pcc_area a WHERE a.cpa_code = k.cpa_code AND a.code = nd.pcc_code)
               THEN 'PCC_OUTSIDE_CPA'
             WHEN start_date IS NULL OR start_date < k.lo
               OR start_date >= (k.lo + interval '3 months')::date THEN 'WRONG_QUARTER'
           END AS early
      FROM nd CROSS JOIN k
),
-- DUPLICATE: among the rows that passed, the strictly earliest start_date
-- of an offender_ref is kept; a tie for the earliest rejects them all
d1 AS (
    SELECT st.*,
           count(*) FILTER (WHERE early IS NULL) OVER o AS passed,
           min(start_date) FILTER (WHERE early IS NULL) OVER o AS first_date
      FROM st WINDOW o AS (PARTITION BY offender_ref)
),
d2 AS (
    SELECT d1.*,
           count(*) FILTER (WHERE early IS NULL AND start_date = first_date) OVER o AS at_first
      FROM d1 WINDOW o AS (PARTITION BY offender_ref)
),
s AS (
    SELECT d2.*,
           coalesce(early, CASE WHEN passed >= 2 AND (start_date <> first_date OR at_first > 1)
                                THEN 'DUPLICATE' ELSE 'ACCEPTED' END) AS status,
           CASE WHEN distinct_needs = 0 THEN '0' WHEN distinct_needs <= 2 THEN '1-2' ELSE '3+' END AS band
      FROM d2
),
a AS (
    SELECT pcc_code, band, wt::numeric AS w, p::numeric AS p, f::numeric AS f,
           r::numeric AS r, CASE WHEN r >= 1 THEN 1 ELSE 0 END AS y
      FROM s WHERE status = 'ACCEPTED'
)
SELECT 'contract', k.cpa_code, NULL::bigint, NULL::numeric, NULL::numeric, NULL::numeric,
       NULL::numeric, NULL::numeric, NULL::numeric, k.version
  FROM k
UNION ALL
SELECT CASE WHEN grouping(pcc_code) = 0 THEN 'area' WHEN grouping(band) = 0 THEN 'band' ELSE 'total' END,
       CASE WHEN grouping(pcc_code) = 0 THEN pcc_code WHEN grouping(band) = 0 THEN band END,
       count(*), sum(w), sum(w * p), sum(w * y * 1000000), sum(w * f), sum(w * r * 1000),
       sum(w * w * p * (1000000 - p)), NULL
  FROM a GROUP BY GROUPING SETS ((), (pcc_code), (band))
UNION ALL
SELECT 'status', status, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM s GROUP BY status
UNION ALL
SELECT 'rows', NULL, count(*), count(*) FILTER (WHERE outcome_status IS DISTINCT FROM 'final'),
       NULL, NULL, NULL, NULL, NULL,  NULL
  FROM m
UNION ALL
SELECT 'input', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       encode(sha256(convert_to(coalesce(string_agg(line || E'\n', ''
           ORDER BY offender_ref COLLATE "C", line COLLATE "C"), ''), 'UTF8')), 'hex')
  FROM m
UNION ALL
SELECT 'annex', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       encode(sha256(convert_to(coalesce(string_agg(
           CASE WHEN status = 'ACCEPTED'
                THEN concat_ws('|', wt, p, CASE WHEN r >= 1 THEN 1 ELSE 0 END, f, r, status)
                ELSE concat_ws('|', '', coalesce(p::text, ''), '', coalesce(f::text, ''),
                               coalesce(r::text, ''), status)
           END || E'\n', ''
           ORDER BY offender_ref COLLATE "C", line COLLATE "C"), ''), 'UTF8')), 'hex')
  FROM s
$fn$;

-- Owned by the owner of the offender rows, whoever ran the migrations.
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION pbr.cohort_aggregates(text, text) OWNER TO %I',
                   (SELECT tableowner FROM pg_catalog.pg_tables
                     WHERE schemaname = 'pbr' AND tablename = 'cohort_member'));
END;
$$;

REVOKE ALL ON FUNCTION pbr.cohort_aggregates(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pbr.cohort_aggregates(text, text) TO pbr_regulator;
