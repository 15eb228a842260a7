-- monitor_ref.sql - reference data and cohorts for 440_monitor (the parking
-- and cherry-picking monitor, docs/STATEMENT.md "The monitor").
--
-- Six CPAs, one contract each (a CPA has at most one contract per cohort):
--   MONA (CPA MA)  clean data: no flag
--   MONB (CPA MB)  fifth cohort's 3+ share drops 15 points: NEEDS_MIX_DRIFT
--   MONC (CPA MC)  fifth cohort's mean predicted p up > 5 points: RISK_DRIFT
--   MOND (CPA MD)  band 0 improves a lot, band 3+ worse than predicted:
--                  EASY_CASES_ONLY
--   MONN (CPA MN)  near misses: shares move by exactly 10 points and the mean
--                  by exactly 5 (no drift flag: "more than"), band 0 holds
--                  exactly 80 % of the positive improvement (EASY_CASES_ONLY:
--                  "at least")
--   MONE (CPA ME)  one cohort only (2024Q3): Baseline cohorts="0"; four
--                  members worked by hand for the rate and its interval
-- A..D run cohorts 2023Q3..2024Q3 (periods 2025Q2..2026Q2); the 2023Q4
-- cohort (period 2025Q3) brings the part-year 2023 reconciliation (k = 2).
--
-- Tariff TM: hurdle 0, a cap nobody reaches, weight ceiling 20 000 bp,
-- reject limit 0.  Needs A, B, E: no uplift; C: +5000 bp; D: +10000 bp.
-- So '' / 'A' / 'A+B' weigh 10 000, 'A+B+C' 15 000, 'A+B+E' 10 000.
--
-- Every member is made by monitor_rows(cpa, quarter, tag, n, needs, p, k):
-- n members with those needs and predicted_binary_ppm p, the first k of
-- them with one proven reoffence (y = 1), the others none; all in PCC
-- area <cpa>1, f = 1000, outcome final, start dates inside the quarter.
BEGIN;
INSERT INTO pbr.cpa (code, name) VALUES
  ('MA', 'Monitor A'), ('MB', 'Monitor B'), ('MC', 'Monitor C'),
  ('MD', 'Monitor D'), ('MN', 'Monitor N'), ('ME', 'Monitor E');
INSERT INTO pbr.pcc_area (code, name, cpa_code) VALUES
  ('MA1', 'Area A', 'MA'), ('MB1', 'Area B', 'MB'), ('MC1', 'Area C', 'MC'),
  ('MD1', 'Area D', 'MD'), ('MN1', 'Area N', 'MN'), ('ME1', 'Area E', 'ME');
INSERT INTO pbr.provider (id, name) VALUES ('PM', 'Provider Monitor');
INSERT INTO pbr.need (code, description) VALUES
  ('A', 'need A'), ('B', 'need B'), ('C', 'need C (uplift)'),
  ('D', 'need D (big uplift)'), ('E', 'need E');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
                        binary_hurdle_ppm, cohort_cap_pence, max_weight_bp,
                        max_reject_ppm, description) VALUES
  ('TM', 100000, 20000, 0, 1000000000, 20000, 0, 'monitor tariff');
INSERT INTO pbr.tariff_need_uplift (tariff_version, need_code, uplift_bp) VALUES
  ('TM', 'C', 5000), ('TM', 'D', 10000);
INSERT INTO pbr.contract (id, provider_id, cpa_code, first_cohort, last_cohort) VALUES
  ('MONA', 'PM', 'MA', '2023Q3', '2024Q4'),
  ('MONB', 'PM', 'MB', '2023Q3', '2024Q4'),
  ('MONC', 'PM', 'MC', '2023Q3', '2024Q4'),
  ('MOND', 'PM', 'MD', '2023Q3', '2024Q4'),
  ('MONN', 'PM', 'MN', '2023Q3', '2024Q4'),
  ('MONE', 'PM', 'ME', '2024Q3', '2024Q3');
INSERT INTO pbr.contract_tariff (contract_id, from_cohort, tariff_version) VALUES
  ('MONA', '2023Q1', 'TM'), ('MONB', '2023Q1', 'TM'), ('MONC', '2023Q1', 'TM'),
  ('MOND', '2023Q1', 'TM'), ('MONN', '2023Q1', 'TM'), ('MONE', '2024Q1', 'TM');

CREATE FUNCTION public.monitor_rows(cpa text, q text, tag text, n int,
                                    needs text, p int, k int)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO pbr.cohort_member (offender_ref, cohort_quarter, cpa_code,
      pcc_code, start_date, predicted_binary_ppm, predicted_frequency_milli,
      needs, reoffence_count, outcome_status)
  SELECT cpa || '-' || q || '-' || tag || lpad(i::text, 3, '0'), q, cpa,
         cpa || '1',
         make_date(substr(q, 1, 4)::int, (substr(q, 6, 1)::int - 1) * 3 + 1, 1) + (i % 80),
         p, 1000, needs, CASE WHEN i <= k THEN 1 ELSE 0 END, 'final'
  FROM generate_series(1, n) AS i
$$;

-- ---- baseline cohorts of A, B, C, D (identical in the four CPAs) ----------
--            band 0 ('')      band 1-2 ('A')   ('A+B')          band 3+ ('A+B+C')
--            p 400000         p 500000         p 500000         p 600000
-- 2023Q3     n 50 k 18        n 15 k 7         n 15 k 7         n 20 k 11   (100)
-- 2023Q4     n 54 k 20        n 14 k 6         n 14 k 7         n 18 k 10   (100)
-- 2024Q1     n 46 k 17        n 16 k 8         n 16 k 7         n 22 k 12   (100)
-- 2024Q2     n 51 k 19        n 15 k 7         n 14 k 7         n 23 k 12   (103)
SELECT public.monitor_rows(c.cpa, b.q, b.tag, b.n, b.needs, b.p, b.k)
FROM (VALUES ('MA'), ('MB'), ('MC'), ('MD')) AS c(cpa),
     (VALUES
       ('2023Q3', 'Z', 50, '',      400000, 18),
       ('2023Q3', 'A', 15, 'A',     500000,  7),
       ('2023Q3', 'B', 15, 'A+B',   500000,  7),
       ('2023Q3', 'C', 20, 'A+B+C', 600000, 11),
       ('2023Q4', 'Z', 54, '',      400000, 20),
       ('2023Q4', 'A', 14, 'A',     500000,  6),
       ('2023Q4', 'B', 14, 'A+B',   500000,  7),
       ('2023Q4', 'C', 18, 'A+B+C', 600000, 10),
       ('2024Q1', 'Z', 46, '',      400000, 17),
       ('2024Q1', 'A', 16, 'A',     500000,  8),
       ('2024Q1', 'B', 16, 'A+B',   500000,  7),
       ('2024Q1', 'C', 22, 'A+B+C', 600000, 12),
       ('2024Q2', 'Z', 51, '',      400000, 19),
       ('2024Q2', 'A', 15, 'A',     500000,  7),
       ('2024Q2', 'B', 14, 'A+B',   500000,  7),
       ('2024Q2', 'C', 23, 'A+B+C', 600000, 12)
     ) AS b(q, tag, n, needs, p, k);

-- ---- fifth cohorts (2024Q3) -------------------------------------------------
SELECT public.monitor_rows(cpa, '2024Q3', tag, n, needs, p, k)
FROM (VALUES
  -- A: clean, 128 members 64 / 39 / 25
  ('MA', 'Z', 64, '',      400000, 24),
  ('MA', 'A', 20, 'A',     500000,  9),
  ('MA', 'B', 19, 'A+B',   500000,  9),
  ('MA', 'C', 25, 'A+B+C', 600000, 14),
  -- B: 62 / 33 / 5 (3+ share 20.6 % -> 5 %)
  ('MB', 'Z', 62, '',      400000, 23),
  ('MB', 'A', 17, 'A',     500000,  8),
  ('MB', 'B', 16, 'A+B',   500000,  8),
  ('MB', 'C',  5, 'A+B+C', 600000,  2),
  -- C: 50 / 30 / 20, every p raised
  ('MC', 'Z', 50, '',      460000, 20),
  ('MC', 'A', 15, 'A',     560000,  8),
  ('MC', 'B', 15, 'A+B',   560000,  8),
  ('MC', 'C', 20, 'A+B+C', 640000, 12),
  -- D: 50 / 30 / 20, band 0 far better than predicted, band 3+ worse
  ('MD', 'Z', 50, '',      400000,  5),
  ('MD', 'A', 15, 'A',     500000,  8),
  ('MD', 'B', 15, 'A+B',   500000,  7),
  ('MD', 'C', 20, 'A+B+C', 600000, 16)
) AS v(cpa, tag, n, needs, p, k);

-- ---- N: four baseline cohorts of 50 / 30 / 20, all weight 10 000 ----------
SELECT public.monitor_rows('MN', q, tag, n, needs, p, k)
FROM (VALUES ('2023Q3'), ('2023Q4'), ('2024Q1'), ('2024Q2')) AS c(q),
     (VALUES
       ('Z', 50, '',      400000, 18),
       ('A', 30, 'A',     500000, 14),
       ('C', 20, 'A+B+E', 600000, 11)
     ) AS b(tag, n, needs, p, k);
-- N's fifth cohort: 60 / 30 / 10, p 500000 / 500000 / 700000
SELECT public.monitor_rows('MN', '2024Q3', tag, n, needs, p, k)
FROM (VALUES
  ('Z', 60, '',      500000, 26),
  ('A', 30, 'A',     500000, 14),
  ('C', 10, 'A+B+E', 700000,  8)
) AS v(tag, n, needs, p, k);

-- ---- E: one cohort of four, all 3+ --------------------------------------------
INSERT INTO pbr.cohort_member (offender_ref, cohort_quarter, cpa_code, pcc_code,
    start_date, predicted_binary_ppm, predicted_frequency_milli, needs,
    reoffence_count, outcome_status) VALUES
  ('E1', '2024Q3', 'ME', 'ME1', '2024-07-01', 800000, 1000, 'A+B+C',   0, 'final'),
  ('E2', '2024Q3', 'ME', 'ME1', '2024-08-01', 700000, 1000, 'A+B+C',   0, 'final'),
  ('E3', '2024Q3', 'ME', 'ME1', '2024-09-01', 900000, 1000, 'A+B+C',   1, 'final'),
  ('E4', '2024Q3', 'ME', 'ME1', '2024-09-30', 600000, 1000, 'A+B+C+D', 0, 'final');
COMMIT;
