-- sig_ref.sql - reference data for the significance tests (SPEC 5a) and
-- the worked example in README.md.
--
-- CPA "CPAF" (areas F1, F2) has contract FALL; CPA "CPAR" (areas R1, R2)
-- has contract RISE.  Both settle on tariff TS, the significance rule:
--   binary price     100 000 p  -> Pb = B / 100 000
--   frequency price   20 000 p  -> Pf = F / 500
--   z                  1 960    (95 %, two-sided)
--   deduction price  100 001 p  -> D = round(-B * 100 001 / 10^10)
--   deduction cap 10 000 000 p, termination at 400 000 ppm of W
--   cohort cap    10 000 000 p, weight ceiling 20 000 bp, rejects 30 %
--   uplift ACC 10 000 bp (an ACC member weighs 2.0)
-- Tariff TH is the same prices on the fixed hurdle of SPEC 5 (hurdle
-- 10 000 ppm), for comparison.
BEGIN;
INSERT INTO pbr.cpa (code, name) VALUES ('CPAF', 'Fall'), ('CPAR', 'Rise');
INSERT INTO pbr.pcc_area (code, name, cpa_code) VALUES
  ('F1', 'Fall One', 'CPAF'), ('F2', 'Fall Two', 'CPAF'),
  ('R1', 'Rise One', 'CPAR'), ('R2', 'Rise Two', 'CPAR');
INSERT INTO pbr.provider (id, name) VALUES ('PF', 'Provider Fall'), ('PR', 'Provider Rise');
INSERT INTO pbr.need (code, description) VALUES ('ACC', 'accommodation');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
                        binary_hurdle_ppm, cohort_cap_pence, max_weight_bp,
                        max_reject_ppm, description, binary_mode,
                        significance_z_milli, deduction_price_pence,
                        deduction_cap_pence, termination_ppm) VALUES
  ('TS', 100000, 20000, 10000, 10000000, 20000, 300000, 'significance test tariff',
   'significance', 1960, 100001, 10000000, 400000),
  ('TH', 100000, 20000, 10000, 10000000, 20000, 300000, 'hurdle test tariff',
   'hurdle', 1960, 0, 0, NULL);
INSERT INTO pbr.tariff_need_uplift (tariff_version, need_code, uplift_bp) VALUES
  ('TS', 'ACC', 10000), ('TH', 'ACC', 10000);
INSERT INTO pbr.contract (id, provider_id, cpa_code, first_cohort, last_cohort) VALUES
  ('FALL', 'PF', 'CPAF', '2024Q1', '2024Q1'),
  ('RISE', 'PR', 'CPAR', '2024Q3', '2024Q4');
INSERT INTO pbr.contract_tariff (contract_id, from_cohort, tariff_version) VALUES
  ('FALL', '2024Q1', 'TS'),
  ('RISE', '2024Q1', 'TS');
COMMIT;
