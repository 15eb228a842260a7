-- reference.sql - a second, independent implementation of SPEC sections 4,
-- 5 and 5a (the significance test in exact numeric, not 128-bit tricks) in plain SQL, straight from pbr.cohort_member and the reference
-- tables.  Used by 080_demo_smoke to check the engine's statements.
--
--   psql -X -At -F'|' -v cohort=2024Q1 -f tests/integration/reference.sql
--
-- For every contract whose cohort range holds :cohort it prints lines
--   contract|path|value
-- where path is the statement element below SettlementStatement (in the
-- notation of tests/integration/lib.sh `sx`), e.g.
--   NORTH|Cohort/TotalPence|310780
--   NORTH|Cohort/PccArea[@code='A1']/BinaryPence|9000
--   NORTH|Rejects/Reason[@code='DUPLICATE']/@count|0
-- All arithmetic is exact: bigint and numeric, integer division with div().
\set ON_ERROR_STOP 1

WITH
-- the contracts settled, with the tariff in force for the cohort
contracts AS (
    SELECT c.id AS contract, c.cpa_code, t.*
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
-- every row of the contract's CPA and the cohort (exact quarter match)
rows AS (
    SELECT k.contract, k.cpa_code, k.version, k.max_weight_bp,
           m.offender_ref, m.pcc_code, m.start_date, m.needs,
           m.predicted_binary_ppm::bigint AS p,
           m.predicted_frequency_milli::bigint AS f,
           m.reoffence_count::bigint AS r,
           row_number() OVER () AS rid
      FROM contracts k
      JOIN pbr.cohort_member m
        ON m.cpa_code = k.cpa_code AND m.cohort_quarter = :'cohort'
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
               OR to_char(r.start_date, 'YYYY"Q"Q') <> :'cohort'
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
    WINDOW w AS (PARTITION BY c.contract, c.offender_ref)
),
dup AS (
    SELECT d.*,
           count(*) FILTER (WHERE d.start_date = d.first_date)
               OVER (PARTITION BY d.contract, d.offender_ref) AS at_first
      FROM dup1 d
),
status AS (
    SELECT rid, contract,
           CASE
             WHEN copies > 1 AND (start_date > first_date OR at_first > 1)
               THEN 'DUPLICATE'
           END AS reject
      FROM dup
    UNION ALL
    SELECT rid, contract, reject FROM checked WHERE reject IS NOT NULL
),
-- the accepted members with weight (distinct needs, ceiling) and band
members AS (
    SELECT c.contract, c.pcc_code, c.p, c.f, c.r,
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
-- the cohort sums and payments
cohort AS (
    SELECT k.contract, k.cpa_code,
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
           min(k.cohort_cap_pence) AS cap,
           min(k.binary_mode) AS mode,
           min(k.significance_z_milli) AS z,
           min(k.deduction_price_pence) AS dprice,
           min(k.deduction_cap_pence) AS dcap,
           min(k.termination_ppm) AS term_ppm
      FROM contracts k
      LEFT JOIN members m ON m.contract = k.contract
     GROUP BY k.contract, k.cpa_code
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
      FROM final fi
      JOIN pbr.pcc_area a ON a.cpa_code = fi.cpa_code
      LEFT JOIN members m ON m.contract = fi.contract AND m.pcc_code = a.code
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
      JOIN final fi ON fi.contract = a.contract
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
      FROM final fi
     CROSS JOIN (VALUES ('0'), ('1-2'), ('3+')) AS b(band)
      LEFT JOIN members m ON m.contract = fi.contract AND m.band = b.band
     GROUP BY fi.contract, b.band
),
reject_counts AS (
    SELECT fi.contract, codes.code, codes.ord,
           (SELECT count(*) FROM status s
             WHERE s.contract = fi.contract AND s.reject = codes.code) AS n
      FROM final fi
     CROSS JOIN (VALUES (1, 'BAD_PREDICTION'), (2, 'BAD_OUTCOME'),
                        (3, 'UNKNOWN_NEED'), (4, 'PCC_OUTSIDE_CPA'),
                        (5, 'WRONG_QUARTER'), (6, 'DUPLICATE')) AS codes(ord, code)
),
lines AS (
    SELECT fi.contract, 1 AS sect, '' AS sub, v.ord, v.path, v.value
      FROM final fi
     CROSS JOIN LATERAL (VALUES
        (1, 'Cohort/Members', fi.n::text),
        (2, 'Cohort/Rejected', (SELECT count(*) FROM status s
                                 WHERE s.contract = fi.contract
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
        (21, 'Summary/PeriodDuePence', fi.total::text)) AS v(ord, path, value)
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
    SELECT rc.contract, 4, '', rc.ord,
           format('Rejects/Reason[@code=''%s'']/@count', rc.code), rc.n::text
      FROM reject_counts rc
)
SELECT contract, path, value
  FROM lines
 ORDER BY contract COLLATE "C", sect, sub COLLATE "C", ord;
