-- topup_terms.sql - contract terms for TOPUP 2024 (on top of
-- audit_year_ref.sql), used by 456, 458, 556 and 660: A = 1 200 000 p, no
-- learning curve (every instalment 100 000), Vp = 1 200 000 milli with a
-- 10 % band either side, adjustment 50 % either side, credit cap 10 %,
-- advance 10 000 p a month, MAP 1 500 000 p; 100 CO cases at 1 000 milli
-- every month of 2024 (Va = Vp: WITHIN).
INSERT INTO pbr.volume_band VALUES ('CO', 'community order');
INSERT INTO pbr.contract_year (contract_id, year, annual_price_pence, learning_curve_ppm,
  predicted_volume_milli, band_low_ppm, band_high_ppm, adjust_below_ppm, adjust_above_ppm,
  credit_cap_ppm, advance_pence_per_month, map_pence)
VALUES ('TOPUP', 2024, 1200000, 0, 1200000, 100000, 100000, 500000, 500000, 100000, 10000, 1500000);
INSERT INTO pbr.band_weight VALUES ('TOPUP', 2024, 'CO', 1000);
INSERT INTO pbr.volume_return
  SELECT 'TOPUP', to_char(make_date(2024, m, 1), 'YYYY-MM'), 'CO', 100 FROM generate_series(1, 12) m;
