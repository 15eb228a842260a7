-- audit_year_ref.sql - reference data for the annual reconciliation tests
-- (130_annual_topup, 140_annual_clawback).
--
-- CPA CPT "Tops" (PCC areas T1, T2) and CPA CPC "Claws" (C1, C2).
-- Contracts TOPUP (provider PY, CPT) and CLAW (provider PY, CPC), each for
-- the four cohorts 2024Q1..2024Q4 only, settled by periods 2025Q4, 2026Q1,
-- 2026Q2 and 2026Q3; the 2026Q3 run makes the 2024 annual reconciliation.
-- Tariff TY:
--   binary price    100 000 p   -> Pb = round(B / 100 000)
--   frequency price  20 000 p   -> Pf = round(F / 500)
--   hurdle          100 000 ppm (10% of W)
--   cohort cap      100 000 p   (pooled cap for 4 cohorts: 400 000 p)
--   weight ceiling   20 000 bp
--   reject limit          0 ppm
-- Uplift under TY: ACC 5000.
BEGIN;
INSERT INTO pbr.cpa (code, name) VALUES
  ('CPT', 'Tops'),
  ('CPC', 'Claws');
INSERT INTO pbr.pcc_area (code, name, cpa_code) VALUES
  ('T1', 'Tops One', 'CPT'),
  ('T2', 'Tops Two', 'CPT'),
  ('C1', 'Claws One', 'CPC'),
  ('C2', 'Claws Two', 'CPC');
INSERT INTO pbr.provider (id, name) VALUES
  ('PY', 'Provider Year');
INSERT INTO pbr.need (code, description) VALUES
  ('ACC', 'accommodation');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
                        binary_hurdle_ppm, cohort_cap_pence, max_weight_bp,
                        max_reject_ppm, description) VALUES
  ('TY', 100000, 20000, 100000, 100000, 20000, 0, 'annual tariff');
INSERT INTO pbr.tariff_need_uplift (tariff_version, need_code, uplift_bp) VALUES
  ('TY', 'ACC', 5000);
INSERT INTO pbr.contract (id, provider_id, cpa_code, first_cohort, last_cohort) VALUES
  ('TOPUP', 'PY', 'CPT', '2024Q1', '2024Q4'),
  ('CLAW', 'PY', 'CPC', '2024Q1', '2024Q4');
INSERT INTO pbr.contract_tariff (contract_id, from_cohort, tariff_version) VALUES
  ('TOPUP', '2024Q1', 'TY'),
  ('CLAW', '2024Q1', 'TY');
COMMIT;
