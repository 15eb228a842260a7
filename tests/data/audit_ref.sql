-- audit_ref.sql - reference data for the audit-trail tests (1xx).
--
-- CPA CPAU "Upland" has PCC areas U1 and U2; CPA CPAV "Vale" has V1.
-- Contracts: AUD (provider PA, CPAU) and AUD2 (provider PB, CPAV), both for
-- cohorts 2024Q1..2024Q4 under tariff TU.  TU2 is a second tariff that no
-- contract uses (until a test maps it).
-- Tariff TU (figures chosen for hand arithmetic):
--   binary price    100 000 p   -> Pb = round(B / 100 000)
--   frequency price  20 000 p   -> Pf = round(F / 500)
--   hurdle           10 000 ppm (1% of W)
--   cohort cap   10 000 000 p   (never reached)
--   weight ceiling   15 000 bp
--   reject limit    700 000 ppm (70% of the cohort's rows)
-- Uplifts under TU: ACC 2000, SUB 3000; MH is a known need with no uplift.
BEGIN;
INSERT INTO pbr.cpa (code, name) VALUES
  ('CPAU', 'Upland'),
  ('CPAV', 'Vale');
INSERT INTO pbr.pcc_area (code, name, cpa_code) VALUES
  ('U1', 'Upland One', 'CPAU'),
  ('U2', 'Upland Two', 'CPAU'),
  ('V1', 'Vale One', 'CPAV');
INSERT INTO pbr.provider (id, name) VALUES
  ('PA', 'Provider A'),
  ('PB', 'Provider B');
INSERT INTO pbr.need (code, description) VALUES
  ('ACC', 'accommodation'),
  ('SUB', 'substance misuse'),
  ('MH', 'mental health');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
                        binary_hurdle_ppm, cohort_cap_pence, max_weight_bp,
                        max_reject_ppm, description) VALUES
  ('TU',  100000, 20000, 10000, 10000000, 15000, 700000, 'audit tariff'),
  ('TU2', 200000, 20000, 10000, 10000000, 15000, 700000, 'audit tariff two');
INSERT INTO pbr.tariff_need_uplift (tariff_version, need_code, uplift_bp) VALUES
  ('TU', 'ACC', 2000),
  ('TU', 'SUB', 3000),
  ('TU2', 'ACC', 2000);
INSERT INTO pbr.contract (id, provider_id, cpa_code, first_cohort, last_cohort) VALUES
  ('AUD', 'PA', 'CPAU', '2024Q1', '2024Q4'),
  ('AUD2', 'PB', 'CPAV', '2024Q1', '2024Q4');
INSERT INTO pbr.contract_tariff (contract_id, from_cohort, tariff_version) VALUES
  ('AUD', '2024Q1', 'TU'),
  ('AUD2', '2024Q1', 'TU');
COMMIT;
