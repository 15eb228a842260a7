-- monthly_ref_calc.sql - the SQL reference for SPEC 11.3: recomputes a
-- monthly statement's figures straight from the tables, independently of
-- the engine (numeric arithmetic, rounding written out as
-- round(a/b) = floor((2a + b) / (2b)), negatives as -round(|a|/b)).
--
--   psql -v contract=NORTH -v month=2025-12 -f monthly_ref_calc.sql
--     -> period_due|ffs|credit|advance|adjustment|month_volume_milli
--   psql -v contract=NORTH -v month=2025-12 -v part=recon -f ...
--     -> period_due|ffs_year|pbr_pot|position           (December)
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
CREATE TEMP VIEW ref_month AS
WITH t AS (
    SELECT cy.*, left(:'month', 4)::int AS y, right(:'month', 2)::int AS mi
      FROM pbr.contract_year cy
     WHERE cy.contract_id = :'contract' AND cy.year = left(:'month', 4)::int),
d AS (  -- A' = A - round(A * lc / 10^6)
    SELECT t.*, annual_price_pence
             - div(2::numeric * annual_price_pence * learning_curve_ppm + 1000000, 2000000) AS ad
      FROM t),
f AS (  -- the instalment of month mi
    SELECT d.*, div(ad, 12) + CASE WHEN mi <= mod(ad, 12) THEN 1 ELSE 0 END AS ffs FROM d),
mv AS (
    SELECT coalesce(sum(r.cases::numeric * w.weight_milli), 0) AS month_volume
      FROM pbr.volume_return r
      JOIN pbr.band_weight w ON w.contract_id = r.contract_id AND w.band_code = r.band_code
                            AND w.year = left(:'month', 4)::int
     WHERE r.contract_id = :'contract' AND r.month = :'month'),
yv AS (
    SELECT coalesce(sum(r.cases::numeric * w.weight_milli), 0) AS va
      FROM pbr.volume_return r
      JOIN pbr.band_weight w ON w.contract_id = r.contract_id AND w.band_code = r.band_code
                            AND w.year = left(:'month', 4)::int
     WHERE r.contract_id = :'contract'
       AND r.month IN (SELECT to_char(make_date(left(:'month', 4)::int, g, 1), 'YYYY-MM')
                         FROM generate_series(1, 12) g)),
k AS (
    SELECT kt.credit_pence,
           CASE WHEN kr.kpi_code IS NULL THEN 'NOT_REPORTED'
                WHEN kr.denominator = 0
                  OR kr.numerator::numeric * 1000000 >= kt.target_ppm::numeric * kr.denominator THEN 'MET'
                ELSE 'BREACHED' END AS status,
           cw.kpi_code IS NOT NULL AS waived
      FROM pbr.kpi_term kt
      LEFT JOIN pbr.kpi_return kr ON kr.contract_id = kt.contract_id AND kr.month = :'month'
                                  AND kr.kpi_code = kt.kpi_code
      LEFT JOIN pbr.credit_waiver cw ON cw.contract_id = kt.contract_id AND cw.month = :'month'
                                     AND cw.kpi_code = kt.kpi_code
     WHERE kt.contract_id = :'contract' AND kt.year = left(:'month', 4)::int),
c AS (
    SELECT coalesce(sum(CASE WHEN status <> 'MET' AND NOT waived THEN credit_pence ELSE 0 END), 0) AS accrued
      FROM k),
r AS (
    SELECT f.*, mv.month_volume, c.accrued,
           least(c.accrued, div(2::numeric * f.ffs * f.credit_cap_ppm + 1000000, 2000000)) AS credit,
           yv.va * 1000000 AS v,
           f.predicted_volume_milli::numeric * (1000000 - f.band_low_ppm) AS lo,
           f.predicted_volume_milli::numeric * (1000000 + f.band_high_ppm) AS hi,
           f.predicted_volume_milli::numeric * 1000000000000 AS den
      FROM f, mv, c, yv),
a AS (
    SELECT r.*,
           CASE WHEN mi <> 12 THEN 0
                WHEN v > hi THEN div(2 * ad * (v - hi) * adjust_above_ppm + den, 2 * den)
                WHEN v < lo THEN -div(2 * ad * (lo - v) * adjust_below_ppm + den, 2 * den)
                ELSE 0 END AS adjustment,
           CASE WHEN v > hi THEN 'ABOVE' WHEN v < lo THEN 'BELOW' ELSE 'WITHIN' END AS position
      FROM r)
SELECT ffs - credit + advance_pence_per_month + adjustment AS period_due, ffs, credit,
       advance_pence_per_month AS advance, adjustment, month_volume,
       ad + adjustment AS ffs_year, greatest(map_pence - (ad + adjustment), 0) AS pbr_pot, position
  FROM a;
\if :{?part}
SELECT period_due || '|' || ffs_year || '|' || pbr_pot || '|' || position FROM ref_month;
\else
SELECT period_due || '|' || ffs || '|' || credit || '|' || advance || '|' || adjustment || '|' || month_volume
  FROM ref_month;
\endif
