-- cap_ref.sql - reference data for 070_cap_and_tariff.
--
-- Contract SW (provider P9, CPA9: areas X1, X2), cohorts 2023Q4..2024Q2.
--   tariff OLD from 2023Q1: binary 100000, frequency 20000, hurdle 0,
--       cap 10 000 000, weight ceiling 20000, reject limit 0; ACC +5000
--   tariff NEW from 2024Q1: binary 200000, frequency 10000, hurdle 0,
--       cap 10 000 000, weight ceiling 12000, reject limit 0; ACC +3000
--   tariff LATER from 2025Q1 (after the contract: never used)
-- Contract CAP (provider P9, CPA8: areas Y1, Y2), cohorts 2024Q1..2025Q1.
--   tariff CAPT from 2024Q1: binary 100000, frequency 20000, hurdle 0,
--       cap 100 001, weight ceiling 15000, reject limit 0
BEGIN;
INSERT INTO pbr.cpa VALUES ('CPA8', 'Capped'), ('CPA9', 'Switching');
INSERT INTO pbr.pcc_area VALUES
  ('X1', 'Ex One', 'CPA9'), ('X2', 'Ex Two', 'CPA9'),
  ('Y1', 'Why One', 'CPA8'), ('Y2', 'Why Two', 'CPA8');
INSERT INTO pbr.provider VALUES ('P9', 'Provider Nine');
INSERT INTO pbr.need VALUES ('ACC', 'accommodation');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
                        binary_hurdle_ppm, cohort_cap_pence, max_weight_bp,
                        max_reject_ppm, description) VALUES
  ('OLD',   100000, 20000, 0, 10000000, 20000, 0, 'old'),
  ('NEW',   200000, 10000, 0, 10000000, 12000, 0, 'new'),
  ('LATER', 900000, 90000, 0, 10000000, 10000, 0, 'later'),
  ('CAPT',  100000, 20000, 0,   100001, 15000, 0, 'capped');
INSERT INTO pbr.tariff_need_uplift VALUES
  ('OLD', 'ACC', 5000), ('NEW', 'ACC', 3000), ('LATER', 'ACC', 1);
INSERT INTO pbr.contract VALUES
  ('SW',  'P9', 'CPA9', '2023Q4', '2024Q2'),
  ('CAP', 'P9', 'CPA8', '2024Q1', '2025Q1');
INSERT INTO pbr.contract_tariff VALUES
  ('SW', '2023Q1', 'OLD'), ('SW', '2024Q1', 'NEW'), ('SW', '2025Q1', 'LATER'),
  ('CAP', '2024Q1', 'CAPT');
COMMIT;
