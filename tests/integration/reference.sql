-- reference.sql - a second, independent implementation, in plain SQL, of
-- SPEC sections 4, 5, 5a (the significance test in exact numeric, not
-- 128-bit tricks), 6 (the annual reconciliation and its Maximum Annual
-- Payment cap) and 11 (the monthly figures and input digest of 11.3 and
-- 11.4; the advance netted in a PbR statement), straight from the input
-- and reference tables.  It reads no statement and no ledger row: figures
-- the engine reads from statements in force (the pooled quarters' sums and
-- T, the December PbrPot) are recomputed here from the rows they came from.
-- Written from the SPEC text alone, not from the engine's C.
--
-- PbR statements (used by 080, 250, 260, 675):
--   psql -X -At -F'|' -v cohort=2024Q1 -f tests/integration/reference.sql
-- For every contract whose cohort range holds :cohort it prints lines
--   contract|path|value
-- where path is the statement element below SettlementStatement (in the
-- notation of tests/integration/lib.sh `sx`), e.g.
--   NORTH|Cohort/TotalPence|310780
--   NORTH|Cohort/PccArea[@code='A1']/BinaryPence|9000
--   NORTH|Rejects/Reason[@code='DUPLICATE']/@count|0
--   NORTH|AnnualReconciliation/CapPence|300000      (a Q4 cohort)
--   NORTH|Summary/AmountDuePence|70000
-- Summary is that of an original statement (a restatement nets no advance
-- and its AmountDue is a difference, SPEC 7).  A Q4 cohort's reconciliation
-- assumes the statements the engine pools (and, with contract terms, the
-- December monthly statement) were issued from the rows as they are now.
--
-- Monthly statements (SPEC 11.3-11.5; used by 670):
--   psql -X -At -F'|' -v month=2025-12 -f tests/integration/reference.sql
-- For every contract with a contract_year row for the month's year it
-- prints lines contract|path|value, path below MonthlyStatement, e.g.
--   NORTH|ServiceCredits/Kpi[@code='K2']/Status|BREACHED
--   NORTH|Header/InputDigest|9f86d0...
--   NORTH|count:VolumeReconciliation|1
-- where a path written count:P stands for the number of nodes P matches
-- (an element that must be absent has count 0).  The month's returns are
-- taken to be valid (SPEC 11.2: the engine refuses the month otherwise).
--
-- All arithmetic is exact: bigint and numeric, integer division with div();
-- round half up on a non-negative a/b is div(2a + b, 2b), a negative amount
-- -round(|a|/b) (SPEC 1).
\set ON_ERROR_STOP 1
\set QUIET on

-- SPEC 11.3, the December year-end volume reconciliation of every contract
-- year (the PbR part needs its PbrPot, the monthly part shows it all)
CREATE OR REPLACE TEMP VIEW ref_year_end AS
WITH
terms AS (
    SELECT cy.*,
           cy.annual_price_pence
             - div(2::numeric * cy.annual_price_pence * cy.learning_curve_ppm + 1000000,
                   2000000) AS a1
      FROM pbr.contract_year cy
),
-- Va: the volume returns of the year's twelve months, cases * weight
actual AS (
    SELECT t.*,
           (SELECT coalesce(sum(r.cases::numeric * w.weight_milli), 0)
              FROM pbr.volume_return r
              JOIN pbr.band_weight w
                ON w.contract_id = r.contract_id AND w.year = t.year
               AND w.band_code = r.band_code
             WHERE r.contract_id = t.contract_id
               AND r.month IN (SELECT to_char(make_date(t.year, g, 1), 'YYYY-MM')
                                 FROM generate_series(1, 12) AS g)) AS va
      FROM terms t
),
band AS (
    SELECT a.*,
           a.predicted_volume_milli::numeric AS vp,
           a.predicted_volume_milli::numeric * (1000000 - a.band_low_ppm) AS lo,
           a.predicted_volume_milli::numeric * (1000000 + a.band_high_ppm) AS hi,
           a.va * 1000000 AS v,
           a.predicted_volume_milli::numeric * 1000000000000 AS den
      FROM actual a
),
adjusted AS (
    SELECT b.*,
           CASE WHEN b.v > b.hi THEN 'ABOVE' WHEN b.v < b.lo THEN 'BELOW'
                ELSE 'WITHIN' END AS position,
           CASE WHEN b.v > b.hi
                  THEN div(2 * b.a1 * (b.v - b.hi) * b.adjust_above_ppm + b.den, 2 * b.den)
                WHEN b.v < b.lo
                  THEN -div(2 * b.a1 * (b.lo - b.v) * b.adjust_below_ppm + b.den, 2 * b.den)
                ELSE 0 END AS adjustment
      FROM band b
)
SELECT a.*, a.a1 + a.adjustment AS ffs_year,
       greatest(a.map_pence - (a.a1 + a.adjustment), 0) AS pbr_pot
  FROM adjusted a;

\if :{?month}
WITH
params AS (
    SELECT :'month'::text AS month, left(:'month', 4)::int AS year,
           right(:'month', 2)::int AS mi
),
-- the contracts billed for the month: a contract_year row for its year
fee AS (
    SELECT ye.*, c.cpa_code, p.month, p.mi,
           ye.annual_price_pence - ye.a1 AS discount,
           div(ye.a1, 12) + CASE WHEN p.mi <= mod(ye.a1, 12) THEN 1 ELSE 0 END AS ffs
      FROM ref_year_end ye
      JOIN pbr.contract c ON c.id = ye.contract_id
      JOIN params p ON p.year = ye.year
),
-- every band with a weight for the year, 0 cases where none was returned
bands AS (
    SELECT f.contract_id, w.band_code, w.weight_milli,
           coalesce(r.cases, 0) AS cases,
           coalesce(r.cases, 0)::numeric * w.weight_milli AS volume,
           row_number() OVER (PARTITION BY f.contract_id
                              ORDER BY w.band_code COLLATE "C") AS pos
      FROM fee f
      JOIN pbr.band_weight w ON w.contract_id = f.contract_id AND w.year = f.year
      LEFT JOIN pbr.volume_return r
        ON r.contract_id = f.contract_id AND r.month = f.month
       AND r.band_code = w.band_code
),
-- every KPI term: MET, BREACHED or NOT_REPORTED, then WAIVED for a
-- BREACHED or NOT_REPORTED one with a waiver; only BREACHED and
-- NOT_REPORTED accrue their credit
kpis AS (
    SELECT f.contract_id, kt.kpi_code, kt.target_ppm, kt.credit_pence,
           kr.numerator, kr.denominator, kr.kpi_code IS NOT NULL AS reported,
           cw.reason, cw.approved_by,
           CASE WHEN kr.kpi_code IS NULL THEN 'NOT_REPORTED'
                WHEN kr.denominator = 0
                  OR kr.numerator::numeric * 1000000
                     >= kt.target_ppm::numeric * kr.denominator THEN 'MET'
                ELSE 'BREACHED' END AS measured,
           row_number() OVER (PARTITION BY f.contract_id
                              ORDER BY kt.kpi_code COLLATE "C") AS pos
      FROM fee f
      JOIN pbr.kpi_term kt ON kt.contract_id = f.contract_id AND kt.year = f.year
      LEFT JOIN pbr.kpi_return kr
        ON kr.contract_id = f.contract_id AND kr.month = f.month
       AND kr.kpi_code = kt.kpi_code
      LEFT JOIN pbr.credit_waiver cw
        ON cw.contract_id = f.contract_id AND cw.month = f.month
       AND cw.kpi_code = kt.kpi_code
),
kstatus AS (
    SELECT k.*,
           CASE WHEN k.measured <> 'MET' AND k.reason IS NOT NULL THEN 'WAIVED'
                ELSE k.measured END AS status,
           CASE WHEN k.measured <> 'MET' AND k.reason IS NULL THEN k.credit_pence
                ELSE 0 END AS credit
      FROM kpis k
),
credits AS (
    SELECT f.*,
           (SELECT coalesce(sum(b.volume), 0) FROM bands b
             WHERE b.contract_id = f.contract_id) AS month_volume,
           (SELECT count(*) FROM bands b WHERE b.contract_id = f.contract_id) AS nbands,
           (SELECT count(*) FROM kpis k WHERE k.contract_id = f.contract_id) AS nkpis,
           (SELECT coalesce(sum(k.credit), 0) FROM kstatus k
             WHERE k.contract_id = f.contract_id) AS accrued,
           div(2::numeric * f.ffs * f.credit_cap_ppm + 1000000, 2000000) AS cap
      FROM fee f
),
figures AS (
    SELECT c.*,
           least(c.accrued, c.cap) AS credit,
           CASE WHEN c.mi = 12 THEN c.adjustment ELSE 0 END AS adj
      FROM credits c
),
-- SPEC 11.4: one line per row read, sorted bytewise, each ending \n
digest AS (
    SELECT f.contract_id,
           encode(sha256(convert_to(coalesce(
               string_agg(l.line || E'\n', '' ORDER BY l.line COLLATE "C"), ''),
               'UTF8')), 'hex') AS digest
      FROM fee f
      LEFT JOIN LATERAL (
            SELECT 'V|' || r.month || '|' || coalesce(r.band_code, '') || '|'
                   || coalesce(r.cases::text, '') AS line
              FROM pbr.volume_return r
             WHERE r.contract_id = f.contract_id
               AND (r.month = f.month
                    OR (f.mi = 12
                        AND r.month IN (SELECT to_char(make_date(f.year, g, 1), 'YYYY-MM')
                                          FROM generate_series(1, 12) AS g)))
            UNION ALL
            SELECT 'K|' || coalesce(r.kpi_code, '') || '|' || coalesce(r.numerator::text, '')
                   || '|' || coalesce(r.denominator::text, '')
              FROM pbr.kpi_return r
             WHERE r.contract_id = f.contract_id AND r.month = f.month
            UNION ALL
            SELECT 'W|' || w.kpi_code || '|' || w.reason || '|' || w.approved_by
              FROM pbr.credit_waiver w
             WHERE w.contract_id = f.contract_id AND w.month = f.month) l ON true
     GROUP BY f.contract_id
),
lines AS (
    SELECT f.contract_id AS contract, 1 AS sect, '' AS sub, v.ord, v.path, v.value
      FROM figures f
      JOIN digest d ON d.contract_id = f.contract_id
     CROSS JOIN LATERAL (VALUES
        (1, 'Header/Month', f.month),
        (2, 'Header/ContractYear', f.year::text),
        (3, 'Header/Contract/@cpa', f.cpa_code),
        (4, 'Header/InputDigest', d.digest),
        (5, 'Header/Terms/AnnualPricePence', f.annual_price_pence::text),
        (6, 'Header/Terms/LearningCurvePpm', f.learning_curve_ppm::text),
        (7, 'Header/Terms/PredictedVolumeMilli', f.predicted_volume_milli::text),
        (8, 'Header/Terms/BandLowPpm', f.band_low_ppm::text),
        (9, 'Header/Terms/BandHighPpm', f.band_high_ppm::text),
        (10, 'Header/Terms/AdjustBelowPpm', f.adjust_below_ppm::text),
        (11, 'Header/Terms/AdjustAbovePpm', f.adjust_above_ppm::text),
        (12, 'Header/Terms/CreditCapPpm', f.credit_cap_ppm::text),
        (13, 'Header/Terms/AdvancePencePerMonth', f.advance_pence_per_month::text),
        (14, 'Header/Terms/MapPence', f.map_pence::text),
        (15, 'count:Header/Terms/BandWeight', f.nbands::text),
        (16, 'count:Header/Terms/KpiTerm', f.nkpis::text),
        (20, 'FeeForService/AnnualPricePence', f.annual_price_pence::text),
        (21, 'FeeForService/LearningCurveDiscountPence', f.discount::text),
        (22, 'FeeForService/DiscountedAnnualPricePence', f.a1::text),
        (23, 'FeeForService/MonthIndex', f.mi::text),
        (24, 'FeeForService/FfsPence', f.ffs::text),
        (30, 'count:Volumes/Band', f.nbands::text),
        (31, 'Volumes/MonthVolumeMilli', f.month_volume::text),
        (40, 'count:ServiceCredits/Kpi', f.nkpis::text),
        (41, 'ServiceCredits/AccruedPence', f.accrued::text),
        (42, 'ServiceCredits/CapPence', f.cap::text),
        (43, 'ServiceCredits/CapCutPence', (f.accrued - f.credit)::text),
        (44, 'ServiceCredits/CreditPence', f.credit::text),
        (50, 'AdvancePence', f.advance_pence_per_month::text),
        (60, 'count:VolumeReconciliation', CASE WHEN f.mi = 12 THEN '1' ELSE '0' END),
        (70, 'Summary/PeriodDuePence',
             (f.ffs - f.credit + f.advance_pence_per_month + f.adj)::text),
        (71, 'Summary/AmountDuePence',
             (f.ffs - f.credit + f.advance_pence_per_month + f.adj)::text)
        ) AS v(ord, path, value)
    UNION ALL
    SELECT f.contract_id, 2, '', v.ord, 'VolumeReconciliation/' || v.name, v.value
      FROM figures f
     CROSS JOIN LATERAL (VALUES
        (1, '@year', f.year::text),
        (2, 'PredictedMilli', f.predicted_volume_milli::text),
        (3, 'ActualMilli', f.va::text),
        (4, 'Position', f.position),
        (5, 'AdjustmentPence', f.adjustment::text),
        (6, 'FfsYearPence', f.ffs_year::text),
        (7, 'MapPence', f.map_pence::text),
        (8, 'PbrPotPence', f.pbr_pot::text)) AS v(ord, name, value)
     WHERE f.mi = 12
    UNION ALL
    SELECT b.contract_id, 3, b.band_code, v.ord, v.path, v.value
      FROM bands b
     CROSS JOIN LATERAL (VALUES
        (1, format('Header/Terms/BandWeight[%s]/@band', b.pos), b.band_code),
        (2, format('Header/Terms/BandWeight[@band=''%s'']/@milli', b.band_code),
            b.weight_milli::text),
        (3, format('Volumes/Band[%s]/@code', b.pos), b.band_code),
        (4, format('Volumes/Band[@code=''%s'']/Cases', b.band_code), b.cases::text),
        (5, format('Volumes/Band[@code=''%s'']/WeightMilli', b.band_code),
            b.weight_milli::text),
        (6, format('Volumes/Band[@code=''%s'']/VolumeMilli', b.band_code),
            b.volume::text)) AS v(ord, path, value)
    UNION ALL
    SELECT k.contract_id, 4, k.kpi_code, v.ord, v.path, v.value
      FROM kstatus k
     CROSS JOIN LATERAL (VALUES
        (1, format('Header/Terms/KpiTerm[%s]/@kpi', k.pos), k.kpi_code),
        (2, format('Header/Terms/KpiTerm[@kpi=''%s'']/@targetPpm', k.kpi_code),
            k.target_ppm::text),
        (3, format('Header/Terms/KpiTerm[@kpi=''%s'']/@creditPence', k.kpi_code),
            k.credit_pence::text),
        (4, format('ServiceCredits/Kpi[%s]/@code', k.pos), k.kpi_code),
        (5, format('count:ServiceCredits/Kpi[@code=''%s'']/Numerator', k.kpi_code),
            CASE WHEN k.reported THEN '1' ELSE '0' END),
        (6, format('count:ServiceCredits/Kpi[@code=''%s'']/Denominator', k.kpi_code),
            CASE WHEN k.reported THEN '1' ELSE '0' END),
        (7, format('ServiceCredits/Kpi[@code=''%s'']/Numerator', k.kpi_code),
            coalesce(k.numerator::text, '')),
        (8, format('ServiceCredits/Kpi[@code=''%s'']/Denominator', k.kpi_code),
            coalesce(k.denominator::text, '')),
        (9, format('ServiceCredits/Kpi[@code=''%s'']/TargetPpm', k.kpi_code),
            k.target_ppm::text),
        (10, format('ServiceCredits/Kpi[@code=''%s'']/Status', k.kpi_code), k.status),
        (11, format('ServiceCredits/Kpi[@code=''%s'']/CreditPence', k.kpi_code),
             k.credit::text),
        (12, format('count:ServiceCredits/Kpi[@code=''%s'']/Waiver', k.kpi_code),
             CASE WHEN k.reason IS NULL THEN '0' ELSE '1' END),
        (13, format('ServiceCredits/Kpi[@code=''%s'']/Waiver', k.kpi_code),
             coalesce(k.reason, '')),
        (14, format('ServiceCredits/Kpi[@code=''%s'']/Waiver/@approvedBy', k.kpi_code),
             coalesce(k.approved_by, ''))) AS v(ord, path, value)
)
SELECT contract, path, value
  FROM lines
 ORDER BY contract COLLATE "C", sect, sub COLLATE "C", ord;

\else
WITH
-- the contracts settled, with the tariff in force for the cohort
contracts AS (
    SELECT c.id AS contract, c.cpa_code, c.first_cohort, c.last_cohort, t.*
      FROM pbr.contract c
      JOIN LATERAL (
            SELECT ct.tariff_version
              FROM pbr.contract_tariff ct
             WHERE ct.contract_id = c.id
               AND ct.from_cohort <= :'cohort'
             ORDER BY ct.from_cohort DESC
             LIMIT 1) v ON true
      JOIN pbr.tariff t ON t.version = v.tariff_version
     WHERE c.first_cohort <= :'cohort' AND :'cohort' <= c.last_cohort
),
-- the quarters read: the cohort settled and, when it is a Q4, every
-- quarter of its year within the contract's range (SPEC 6: the pool).  The
-- four cohorts of a year share the tariff (tariffs change only at a Q1).
quarters AS (
    SELECT k.contract, q.quarter
      FROM contracts k
     CROSS JOIN LATERAL (
            SELECT :'cohort'::text AS quarter
            UNION
            SELECT left(:'cohort', 5) || g
              FROM generate_series(1, 4) AS g
             WHERE right(:'cohort', 1) = '4') q
     WHERE k.first_cohort <= q.quarter AND q.quarter <= k.last_cohort
),
-- every row of the contract's CPA and those quarters (exact quarter match)
rows AS (
    SELECT k.contract, q.quarter, k.cpa_code, k.version, k.max_weight_bp,
           m.offender_ref, m.pcc_code, m.start_date, m.needs,
           m.predicted_binary_ppm::bigint AS p,
           m.predicted_frequency_milli::bigint AS f,
           m.reoffence_count::bigint AS r,
           row_number() OVER () AS rid
      FROM contracts k
      JOIN quarters q ON q.contract = k.contract
      JOIN pbr.cohort_member m
        ON m.cpa_code = k.cpa_code AND m.cohort_quarter = q.quarter
),
-- the elements of each needs list ('' gives none; 'A++B' gives an empty one)
elements AS (
    SELECT r.rid, e.code
      FROM rows r
     CROSS JOIN LATERAL unnest(string_to_array(r.needs, '+')) AS e(code)
     WHERE r.needs <> ''
),
-- the first five rules, in order
checked AS (
    SELECT r.*,
           CASE
             WHEN r.p IS NULL OR r.p < 0 OR r.p > 1000000
               OR r.f IS NULL OR r.f < 0 OR r.f > 1000000
               THEN 'BAD_PREDICTION'
             WHEN r.r IS NULL OR r.r < 0 OR r.r > 10000
               THEN 'BAD_OUTCOME'
             WHEN EXISTS (SELECT 1 FROM elements e
                           WHERE e.rid = r.rid
                             AND (e.code = ''
                                  OR NOT EXISTS (SELECT 1 FROM pbr.need n
                                                  WHERE n.code = e.code)))
               THEN 'UNKNOWN_NEED'
             WHEN r.pcc_code IS NULL
               OR NOT EXISTS (SELECT 1 FROM pbr.pcc_area a
                               WHERE a.code = r.pcc_code
                                 AND a.cpa_code = r.cpa_code)
               THEN 'PCC_OUTSIDE_CPA'
             WHEN r.start_date IS NULL
               OR to_char(r.start_date, 'YYYY"Q"Q') <> r.quarter
               THEN 'WRONG_QUARTER'
           END AS reject
      FROM rows r
),
-- DUPLICATE among the rows that passed: the strictly earliest start_date
-- is kept, a tie on the earliest rejects every copy
dup1 AS (
    SELECT c.*,
           min(c.start_date) OVER w AS first_date,
           count(*) OVER w AS copies
      FROM checked c
     WHERE c.reject IS NULL
    WINDOW w AS (PARTITION BY c.contract, c.quarter, c.offender_ref)
),
dup AS (
    SELECT d.*,
           count(*) FILTER (WHERE d.start_date = d.first_date)
               OVER (PARTITION BY d.contract, d.quarter, d.offender_ref) AS at_first
      FROM dup1 d
),
status AS (
    SELECT rid, contract, quarter,
           CASE
             WHEN copies > 1 AND (start_date > first_date OR at_first > 1)
               THEN 'DUPLICATE'
           END AS reject
      FROM dup
    UNION ALL
    SELECT rid, contract, quarter, reject FROM checked WHERE reject IS NOT NULL
),
-- the accepted members with weight (distinct needs, ceiling) and band
members AS (
    SELECT c.contract, c.quarter, c.pcc_code, c.p, c.f, c.r,
           CASE WHEN c.r >= 1 THEN 1 ELSE 0 END AS y,
           least(10000 + coalesce(nd.uplift, 0), c.max_weight_bp)::bigint AS w,
           CASE
             WHEN coalesce(nd.distinct_needs, 0) = 0 THEN '0'
             WHEN nd.distinct_needs <= 2 THEN '1-2'
             ELSE '3+'
           END AS band
      FROM checked c
      JOIN status s ON s.rid = c.rid AND s.reject IS NULL
      LEFT JOIN LATERAL (
            SELECT count(*) AS distinct_needs, sum(u.uplift_bp) AS uplift
              FROM (SELECT DISTINCT e.code FROM elements e WHERE e.rid = c.rid) d
              LEFT JOIN pbr.tariff_need_uplift u
                ON u.tariff_version = c.version AND u.need_code = d.code) nd
        ON true
),
-- the sums and payments of each quarter read
cohort_q AS (
    SELECT q.contract, q.quarter, k.cpa_code,
           count(m.w) AS n,
           coalesce(sum(m.w), 0) AS "W",
           coalesce(sum(m.w * m.p), 0) AS eb,
           coalesce(sum(m.w * m.y * 1000000), 0) AS ab,
           coalesce(sum(m.w * m.f), 0) AS ef,
           coalesce(sum(m.w * m.r * 1000), 0) AS af,
           coalesce(sum(m.w::numeric * m.w * m.p * (1000000 - m.p)), 0) AS v,
           min(k.binary_price_pence) AS bprice,
           min(k.frequency_price_pence) AS fprice,
           min(k.binary_hurdle_ppm) AS hurdle_ppm,
           min(k.cohort_cap_pence)::numeric AS cap,
           min(k.binary_mode) AS mode,
           min(k.significance_z_milli) AS z,
           min(k.deduction_price_pence) AS dprice,
           min(k.deduction_cap_pence)::numeric AS dcap,
           min(k.termination_ppm) AS term_ppm
      FROM quarters q
      JOIN contracts k ON k.contract = q.contract
      LEFT JOIN members m ON m.contract = q.contract AND m.quarter = q.quarter
     GROUP BY q.contract, q.quarter, k.cpa_code
),
-- SPEC 6: in the run that settles a Q4 cohort, the pool of the year's
-- quarters within the contract's range: k = how many, cap k * cohort cap,
-- deduction cap k * deduction cap; with a contract_year row for the year
-- (SPEC 6, 11.3, 11.5) the cap is min(k * cohort cap, PbrPot), the PbrPot
-- of the year's December (ref_year_end above, from the returns).
pool_info AS (
    SELECT c.contract, count(*) AS k,
           count(*) * min(c.cap) AS kcap,
           count(*) * min(c.dcap) AS kdcap,
           ye.ffs_year, ye.map_pence, ye.pbr_pot,
           ye.contract_id IS NOT NULL AS has_terms
      FROM cohort_q c
      LEFT JOIN ref_year_end ye
        ON ye.contract_id = c.contract AND ye.year = left(:'cohort', 4)::int
     WHERE right(:'cohort', 1) = '4'
     GROUP BY c.contract, ye.contract_id, ye.ffs_year, ye.map_pence, ye.pbr_pot
),
cohort AS (
    SELECT * FROM cohort_q
    UNION ALL
    SELECT c.contract, 'POOL', c.cpa_code,
           sum(c.n), sum(c."W"), sum(c.eb), sum(c.ab), sum(c.ef), sum(c.af), sum(c.v),
           min(c.bprice), min(c.fprice), min(c.hurdle_ppm),
           CASE WHEN min(pi.has_terms::int) = 1 THEN least(min(pi.kcap), min(pi.pbr_pot))
                ELSE min(pi.kcap) END,
           min(c.mode), min(c.z), min(c.dprice), min(pi.kdcap), min(c.term_ppm)
      FROM cohort_q c
      JOIN pool_info pi ON pi.contract = c.contract
     GROUP BY c.contract, c.cpa_code
),
tested AS (
    SELECT c.*, c.eb - c.ab AS b, c.ef - c.af AS f,
           (c.eb - c.ab <> 0
            AND (c.eb - c.ab)::numeric * (c.eb - c.ab) * 1000000 >= c.z::numeric * c.z * c.v) AS sig
      FROM cohort c
),
decided AS (
    SELECT t.*,
           CASE WHEN t.mode = 'significance' THEN t.b > 0 AND t.sig
                ELSE t.b > 0 AND t.b >= t.hurdle_ppm * t."W" END AS hurdle,
           CASE WHEN t.mode = 'significance' THEN t.b > 0 AND t.sig AND t.f > 0
                ELSE t.b >= 0 AND t.f > 0 END AS gate,
           CASE WHEN t.mode = 'significance' AND t.b < 0 AND t.sig
                THEN least(div(2 * (-t.b)::numeric * t.dprice + 10000000000, 20000000000), t.dcap)
                ELSE 0 END AS d,
           (t.mode = 'significance' AND t.b < 0 AND t.sig AND t.term_ppm IS NOT NULL
            AND -t.b >= t.term_ppm::numeric * t."W") AS term
      FROM tested t
),
paid AS (
    SELECT d.*,
           CASE WHEN d.hurdle
                THEN div(2 * d.b * d.bprice + 10000000000, 20000000000)
                ELSE 0 END AS pb,
           CASE WHEN d.gate
                THEN div(2 * d.f * d.fprice + 10000000, 20000000)
                ELSE 0 END AS pf
      FROM decided d
),
capped AS (
    SELECT p.*,
           least(p.pb + p.pf, p.cap) AS t,
           p.pb + p.pf - least(p.pb + p.pf, p.cap) AS cut
      FROM paid p
),
final AS (
    SELECT c.*,
           c.pf - least(c.cut, c.pf) AS pf2,
           c.t - (c.pf - least(c.cut, c.pf)) AS pb2,
           c.t - c.d AS total
      FROM capped c
),
-- the settled cohort
final_c AS (
    SELECT * FROM final WHERE quarter = :'cohort'
),
-- SPEC 6: the annual reconciliation.  Entitlement = the pool's T;
-- PreviouslyPaid = T of the earlier quarters pooled (their statements in
-- force, recomputed here from the rows); TrueUp = Entitlement -
-- (PreviouslyPaid + T of the Q4 cohort).
recon AS (
    SELECT p.*, pi.k, pi.has_terms, pi.ffs_year, pi.map_pence, pi.pbr_pot,
           (SELECT coalesce(sum(e.total), 0) FROM final e
             WHERE e.contract = p.contract AND e.quarter <> 'POOL'
               AND e.quarter < :'cohort') AS previously_paid,
           c.total AS t_q4
      FROM final p
      JOIN pool_info pi ON pi.contract = p.contract
      JOIN final_c c ON c.contract = p.contract
     WHERE p.quarter = 'POOL'
),
-- Summary (SPEC 7, 11.3): PeriodDue = T (+ TrueUp); an original of a
-- contract with a contract_year row for the cohort's year nets three
-- months' advance; AmountDue = PeriodDue - AdvanceNetted.
summary AS (
    SELECT fi.*,
           fi.total + coalesce(r.total - r.previously_paid - r.t_q4, 0) AS period_due,
           coalesce(3 * cy.advance_pence_per_month, 0) AS advance_netted
      FROM final_c fi
      LEFT JOIN recon r ON r.contract = fi.contract
      LEFT JOIN pbr.contract_year cy
        ON cy.contract_id = fi.contract AND cy.year = left(:'cohort', 4)::int
),
-- every PCC area of the CPA, members or not
areas AS (
    SELECT fi.contract, a.code,
           count(m.w) AS n,
           coalesce(sum(m.w), 0) AS "W",
           coalesce(sum(m.w * m.p), 0) AS eb,
           coalesce(sum(m.w * m.y * 1000000), 0) AS ab,
           coalesce(sum(m.w * m.f), 0) AS ef,
           coalesce(sum(m.w * m.r * 1000), 0) AS af,
           coalesce(sum(m.w::numeric * m.w * m.p * (1000000 - m.p)), 0) AS v
      FROM final_c fi
      JOIN pbr.pcc_area a ON a.cpa_code = fi.cpa_code
      LEFT JOIN members m ON m.contract = fi.contract AND m.quarter = fi.quarter
                         AND m.pcc_code = a.code
     GROUP BY fi.contract, a.code
),
-- largest remainder: floor shares, then one penny each to the largest
-- remainders, ties to the lower code (bytewise)
shares AS (
    SELECT a.*, a.eb - a.ab AS b, a.ef - a.af AS f,
           fi.pb2, fi.pf2, fi.d AS d_all,
           greatest(a.eb - a.ab, 0) AS xb,
           greatest(a.ef - a.af, 0) AS xf,
           greatest(a.ab - a.eb, 0) AS xd,
           sum(greatest(a.eb - a.ab, 0)) OVER (PARTITION BY a.contract) AS sb,
           sum(greatest(a.ef - a.af, 0)) OVER (PARTITION BY a.contract) AS sf,
           sum(greatest(a.ab - a.eb, 0)) OVER (PARTITION BY a.contract) AS sd
      FROM areas a
      JOIN final_c fi ON fi.contract = a.contract
),
floors AS (
    SELECT s.*,
           CASE WHEN s.sb = 0 THEN 0 ELSE div(s.pb2 * s.xb, s.sb) END AS fb,
           CASE WHEN s.sb = 0 THEN 0 ELSE mod(s.pb2 * s.xb, s.sb) END AS rb,
           CASE WHEN s.sf = 0 THEN 0 ELSE div(s.pf2 * s.xf, s.sf) END AS ff,
           CASE WHEN s.sf = 0 THEN 0 ELSE mod(s.pf2 * s.xf, s.sf) END AS rf,
           CASE WHEN s.sd = 0 THEN 0 ELSE div(s.d_all * s.xd, s.sd) END AS fd,
           CASE WHEN s.sd = 0 THEN 0 ELSE mod(s.d_all * s.xd, s.sd) END AS rd
      FROM shares s
),
ranked AS (
    SELECT f.*,
           f.pb2 - sum(f.fb) OVER (PARTITION BY f.contract) AS left_b,
           f.pf2 - sum(f.ff) OVER (PARTITION BY f.contract) AS left_f,
           f.d_all - sum(f.fd) OVER (PARTITION BY f.contract) AS left_d,
           row_number() OVER (PARTITION BY f.contract
                              ORDER BY f.rd DESC, f.code COLLATE "C") AS rank_d,
           row_number() OVER (PARTITION BY f.contract
                              ORDER BY f.rb DESC, f.code COLLATE "C") AS rank_b,
           row_number() OVER (PARTITION BY f.contract
                              ORDER BY f.rf DESC, f.code COLLATE "C") AS rank_f
      FROM floors f
),
attributed AS (
    SELECT r.*,
           r.fb + CASE WHEN r.sb > 0 AND r.rank_b <= r.left_b THEN 1 ELSE 0 END AS ab_p,
           r.ff + CASE WHEN r.sf > 0 AND r.rank_f <= r.left_f THEN 1 ELSE 0 END AS af_p,
           r.fd + CASE WHEN r.sd > 0 AND r.rank_d <= r.left_d THEN 1 ELSE 0 END AS ad_p
      FROM ranked r
),
bands AS (
    SELECT fi.contract, b.band,
           count(m.w) AS n,
           coalesce(sum(m.w), 0) AS "W",
           coalesce(sum(m.w * m.p), 0) AS eb,
           coalesce(sum(m.w * m.y * 1000000), 0) AS ab,
           coalesce(sum(m.w * m.f), 0) AS ef,
           coalesce(sum(m.w * m.r * 1000), 0) AS af,
           coalesce(sum(m.w::numeric * m.w * m.p * (1000000 - m.p)), 0) AS v
      FROM final_c fi
     CROSS JOIN (VALUES ('0'), ('1-2'), ('3+')) AS b(band)
      LEFT JOIN members m ON m.contract = fi.contract AND m.quarter = fi.quarter
                         AND m.band = b.band
     GROUP BY fi.contract, b.band
),
reject_counts AS (
    SELECT fi.contract, codes.code, codes.ord,
           (SELECT count(*) FROM status s
             WHERE s.contract = fi.contract AND s.quarter = fi.quarter
               AND s.reject = codes.code) AS n
      FROM final_c fi
     CROSS JOIN (VALUES (1, 'BAD_PREDICTION'), (2, 'BAD_OUTCOME'),
                        (3, 'UNKNOWN_NEED'), (4, 'PCC_OUTSIDE_CPA'),
                        (5, 'WRONG_QUARTER'), (6, 'DUPLICATE')) AS codes(ord, code)
),
lines AS (
    SELECT fi.contract, 1 AS sect, '' AS sub, v.ord, v.path, v.value
      FROM summary fi
     CROSS JOIN LATERAL (VALUES
        (1, 'Cohort/Members', fi.n::text),
        (2, 'Cohort/Rejected', (SELECT count(*) FROM status s
                                 WHERE s.contract = fi.contract
                                   AND s.quarter = fi.quarter
                                   AND s.reject IS NOT NULL)::text),
        (3, 'Cohort/WeightedSize', fi."W"::text),
        (4, 'Cohort/ExpectedBinary', fi.eb::text),
        (5, 'Cohort/ActualBinary', fi.ab::text),
        (6, 'Cohort/BinaryImprovement', fi.b::text),
        (7, 'Cohort/ExpectedFrequency', fi.ef::text),
        (8, 'Cohort/ActualFrequency', fi.af::text),
        (9, 'Cohort/FrequencyImprovement', fi.f::text),
        (10, 'Cohort/BinaryHurdleMet', fi.hurdle::text),
        (11, 'Cohort/FrequencyGateOpen', fi.gate::text),
        (12, 'Cohort/BinaryPence', fi.pb2::text),
        (13, 'Cohort/FrequencyPence', fi.pf2::text),
        (14, 'Cohort/CapCutPence', fi.cut::text),
        (15, 'Cohort/TotalPence', fi.total::text),
        (16, 'Cohort/BinaryMode', fi.mode),
        (17, 'Cohort/BinaryVariance', fi.v::text),
        (18, 'Cohort/BinarySignificant', fi.sig::text),
        (19, 'Cohort/DeductionPence', fi.d::text),
        (20, 'Cohort/TerminationFlag', fi.term::text),
        (21, 'Summary/PeriodDuePence', fi.period_due::text),
        (22, 'Summary/AdvanceNettedPence', fi.advance_netted::text),
        (23, 'Summary/AmountDuePence', (fi.period_due - fi.advance_netted)::text)) AS v(ord, path, value)
    UNION ALL
    SELECT a.contract, 2, a.code, v.ord,
           format('Cohort/PccArea[@code=''%s'']/%s', a.code, v.name), v.value
      FROM attributed a
     CROSS JOIN LATERAL (VALUES
        (1, 'Members', a.n::text),
        (2, 'WeightedSize', a."W"::text),
        (3, 'ExpectedBinary', a.eb::text),
        (4, 'ActualBinary', a.ab::text),
        (5, 'BinaryImprovement', a.b::text),
        (6, 'ExpectedFrequency', a.ef::text),
        (7, 'ActualFrequency', a.af::text),
        (8, 'FrequencyImprovement', a.f::text),
        (9, 'BinaryVariance', a.v::text),
        (10, 'BinaryPence', a.ab_p::text),
        (11, 'FrequencyPence', a.af_p::text),
        (12, 'DeductionPence', a.ad_p::text),
        (13, 'TotalPence', (a.ab_p + a.af_p - a.ad_p)::text)) AS v(ord, name, value)
    UNION ALL
    SELECT b.contract, 3, b.band, v.ord,
           format('Cohort/NeedsBand[@band=''%s'']/%s', b.band, v.name), v.value
      FROM bands b
     CROSS JOIN LATERAL (VALUES
        (1, 'Members', b.n::text),
        (2, 'WeightedSize', b."W"::text),
        (3, 'ExpectedBinary', b.eb::text),
        (4, 'ActualBinary', b.ab::text),
        (5, 'BinaryImprovement', (b.eb - b.ab)::text),
        (6, 'ExpectedFrequency', b.ef::text),
        (7, 'ActualFrequency', b.af::text),
        (8, 'FrequencyImprovement', (b.ef - b.af)::text),
        (9, 'BinaryVariance', b.v::text)) AS v(ord, name, value)
    UNION ALL
    SELECT r.contract, 5, '', v.ord, 'AnnualReconciliation/' || v.name, v.value
      FROM recon r
     CROSS JOIN LATERAL (VALUES
        (1, '@year', left(:'cohort', 4)),
        (2, 'Cohorts', r.k::text),
        (3, 'Members', r.n::text),
        (4, 'WeightedSize', r."W"::text),
        (5, 'ExpectedBinary', r.eb::text),
        (6, 'ActualBinary', r.ab::text),
        (7, 'BinaryImprovement', r.b::text),
        (8, 'ExpectedFrequency', r.ef::text),
        (9, 'ActualFrequency', r.af::text),
        (10, 'FrequencyImprovement', r.f::text),
        (11, 'BinaryVariance', r.v::text),
        (12, 'BinaryHurdleMet', r.hurdle::text),
        (13, 'FrequencyGateOpen', r.gate::text),
        (14, 'BinarySignificant', r.sig::text),
        (15, 'CapPence', r.cap::text),
        (16, 'BinaryPence', r.pb2::text),
        (17, 'FrequencyPence', r.pf2::text),
        (18, 'CapCutPence', r.cut::text),
        (19, 'DeductionCapPence', r.dcap::text),
        (20, 'DeductionPence', r.d::text),
        (21, 'TerminationFlag', r.term::text),
        (22, 'EntitlementPence', r.total::text),
        (23, 'PreviouslyPaidPence', r.previously_paid::text),
        (24, 'TrueUpPence', (r.total - r.previously_paid - r.t_q4)::text),
        (25, 'FfsYearPence', CASE WHEN r.has_terms THEN r.ffs_year::text END),
        (26, 'MapPence', CASE WHEN r.has_terms THEN r.map_pence::text END),
        (27, 'PbrPotPence', CASE WHEN r.has_terms THEN r.pbr_pot::text END)
        ) AS v(ord, name, value)
     WHERE v.value IS NOT NULL
    UNION ALL
    SELECT rc.contract, 4, '', rc.ord,
           format('Rejects/Reason[@code=''%s'']/@count', rc.code), rc.n::text
      FROM reject_counts rc
)
SELECT contract, path, value
  FROM lines
 ORDER BY contract COLLATE "C", sect, sub COLLATE "C", ord;

\endif
