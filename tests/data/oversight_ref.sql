-- oversight_ref.sql - reference data for 430_simulate (hand-computed).
--
-- Contract OV (provider PO, CPA OVCPA: areas OA, OB), cohorts 2024Q1..2024Q4,
-- tariff OVT from 2024Q1: binary 250001, frequency 50000, hurdle 0,
-- cap 100 000 000, weight ceiling 20000, reject limit 0; HOUS +5000.
-- Members of cohort 2024Q1 (period 2025Q4), all final:
--   M1 OA  needs ''    p 400000 f 1500 r 0   w 10000  b +4.0e9  f +15e6
--   M2 OA  needs HOUS  p 600000 f 2000 r 0   w 15000  b +9.0e9  f +30e6
--   M3 OB  needs ''    p 300000 f 1000 r 2   w 10000  b -7.0e9  f -10e6
--   M4 OB  needs HOUS  p 500000 f 1200 r 0   w 15000  b +7.5e9  f +18e6
--   B = 13 500 000 000, F = 53 000 000
BEGIN;
INSERT INTO pbr.cpa VALUES ('OVCPA', 'Oversight test area');
INSERT INTO pbr.pcc_area VALUES ('OA', 'Area A', 'OVCPA'), ('OB', 'Area B', 'OVCPA');
INSERT INTO pbr.provider VALUES ('PO', 'Provider Oversight');
INSERT INTO pbr.need VALUES ('HOUS', 'housing'), ('DRUG', 'substance misuse');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
                        binary_hurdle_ppm, cohort_cap_pence, max_weight_bp,
                        max_reject_ppm, description) VALUES
  ('OVT', 250001, 50000, 0, 100000000, 20000, 0, 'oversight test tariff');
INSERT INTO pbr.tariff_need_uplift VALUES ('OVT', 'HOUS', 5000);
INSERT INTO pbr.contract VALUES ('OV', 'PO', 'OVCPA', '2024Q1', '2024Q4');
INSERT INTO pbr.contract_tariff VALUES ('OV', '2024Q1', 'OVT');
INSERT INTO pbr.cohort_member VALUES
 ('M1', '2024Q1', 'OVCPA', 'OA', '2024-01-10', 400000, 1500, '', 0, 'final'),
 ('M2', '2024Q1', 'OVCPA', 'OA', '2024-02-10', 600000, 2000, 'HOUS', 0, 'final'),
 ('M3', '2024Q1', 'OVCPA', 'OB', '2024-03-10', 300000, 1000, '', 2, 'final'),
 ('M4', '2024Q1', 'OVCPA', 'OB', '2024-03-11', 500000, 1200, 'HOUS', 0, 'final');
COMMIT;
