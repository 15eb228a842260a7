-- monthly_ref.sql - contract terms for the monthly tests (6xx), on top of
-- basic_ref.sql (contracts NORTH and SOUTH).  Figures chosen so that the
-- arithmetic of SPEC 11.3 can be done by hand:
--
-- NORTH 2025: A = 1 200 000 p, learning curve 50 000 ppm
--   -> discount round(1 200 000 * 50 000 / 10^6) = 60 000, A' = 1 140 000
--   -> every instalment 1 140 000 / 12 = 95 000 exactly
--   predicted volume Vp = 1 000 000 milli (1 000 weighted cases a year),
--   band 10 % below and above (lo = 900 000, hi = 1 100 000 milli),
--   adjustment 50 % of the unit price below and above,
--   credit cap 100 000 ppm -> cap round(95 000 / 10) = 9 500 a month,
--   advance 1 000 p a month, MAP 1 500 000 p.
--   Weights: CO 1 000, LICENCE 1 500, SSO 1 200 milli.
--   KPIs (target ppm, credit p): K1 900 000 / 5 000, K2 750 000 / 4 500,
--   K3 0 / 1 000, K4 500 000 / 2 000.
-- SOUTH 2025: A = 1 000 003 p, no discount -> A' = 1 000 003
--   = 12 * 83 333 + 7: January-July 83 334, August-December 83 333;
--   Vp = 1 000 000, band 0 % either side, adjustment 50 %; cap 10 %;
--   no advance; MAP 2 000 000.  One band CO at 1 000 milli, one KPI K1.
BEGIN;
INSERT INTO pbr.volume_band (code, description) VALUES
  ('CO', 'community order'),
  ('SSO', 'suspended sentence order'),
  ('LICENCE', 'licence after custody'),
  ('UPW_HI', 'unpaid work, high hours');
INSERT INTO pbr.kpi (code, description) VALUES
  ('K1', 'initial appointment within 5 days'),
  ('K2', 'sentence plan within 15 days'),
  ('K3', 'enforcement action within 10 days'),
  ('K4', 'unpaid work started within 10 days');
INSERT INTO pbr.contract_year (contract_id, year, annual_price_pence,
    learning_curve_ppm, predicted_volume_milli, band_low_ppm, band_high_ppm,
    adjust_below_ppm, adjust_above_ppm, credit_cap_ppm,
    advance_pence_per_month, map_pence) VALUES
  ('NORTH', 2025, 1200000, 50000, 1000000, 100000, 100000, 500000, 500000,
   100000, 1000, 1500000),
  ('SOUTH', 2025, 1000003, 0, 1000000, 0, 0, 500000, 500000,
   100000, 0, 2000000);
INSERT INTO pbr.band_weight (contract_id, year, band_code, weight_milli) VALUES
  ('NORTH', 2025, 'CO', 1000),
  ('NORTH', 2025, 'LICENCE', 1500),
  ('NORTH', 2025, 'SSO', 1200),
  ('SOUTH', 2025, 'CO', 1000);
INSERT INTO pbr.kpi_term (contract_id, year, kpi_code, target_ppm, credit_pence) VALUES
  ('NORTH', 2025, 'K1', 900000, 5000),
  ('NORTH', 2025, 'K2', 750000, 4500),
  ('NORTH', 2025, 'K3', 0, 1000),
  ('NORTH', 2025, 'K4', 500000, 2000),
  ('SOUTH', 2025, 'K1', 900000, 5000);
COMMIT;
