-- basic_ref.sql - hand-made reference data for the integration tests.
--
-- CPA1 "North" has three PCC areas A1, A2 and A3 (A3 is left without
-- members in the data sets); CPA2 "South" has B1.  Contracts: NORTH (P1,
-- CPA1) and SOUTH (P2, CPA2), both for cohorts 2023Q1..2026Q4 under tariff
-- T1.  Tariff T1 (figures chosen so the arithmetic can be done by hand):
--   binary price    100 000 p   -> Pb = B * 100000 / 10^10 = B / 100 000
--   frequency price  20 000 p   -> Pf = F * 20000 / 10^7   = F / 500
--   hurdle           10 000 ppm (1% of W)
--   cohort cap   10 000 000 p
--   weight ceiling   15 000 bp
--   reject limit    300 000 ppm (30% of the cohort's rows)
-- Uplifts under T1: ACC 2000, SUB 3000, EMP 1250; MH is a known need with
-- no uplift row (adds 0).
BEGIN;
INSERT INTO pbr.cpa (code, name) VALUES
  ('CPA1', 'North'),
  ('CPA2', 'South');
INSERT INTO pbr.pcc_area (code, name, cpa_code) VALUES
  ('A1', 'Area One', 'CPA1'),
  ('A2', 'Area Two', 'CPA1'),
  ('A3', 'Area Three', 'CPA1'),
  ('B1', 'Area Bee', 'CPA2');
INSERT INTO pbr.provider (id, name) VALUES
  ('P1', 'Provider One'),
  ('P2', 'Provider Two');
INSERT INTO pbr.need (code, description) VALUES
  ('ACC', 'accommodation'),
  ('SUB', 'substance misuse'),
  ('EMP', 'employment'),
  ('MH', 'mental health');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
                        binary_hurdle_ppm, cohort_cap_pence, max_weight_bp,
                        max_reject_ppm, description) VALUES
  ('T1', 100000, 20000, 10000, 10000000, 15000, 300000, 'test tariff one');
INSERT INTO pbr.tariff_need_uplift (tariff_version, need_code, uplift_bp) VALUES
  ('T1', 'ACC', 2000),
  ('T1', 'SUB', 3000),
  ('T1', 'EMP', 1250);
INSERT INTO pbr.contract (id, provider_id, cpa_code, first_cohort, last_cohort) VALUES
  ('NORTH', 'P1', 'CPA1', '2023Q1', '2026Q4'),
  ('SOUTH', 'P2', 'CPA2', '2023Q1', '2026Q4');
INSERT INTO pbr.contract_tariff (contract_id, from_cohort, tariff_version) VALUES
  ('NORTH', '2023Q1', 'T1'),
  ('SOUTH', '2023Q1', 'T1');
COMMIT;
