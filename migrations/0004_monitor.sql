-- 0004: thresholds of the parking and cherry-picking monitor
-- (docs/STATEMENT.md, "The monitor").  Oversight only: no money depends
-- on them.  Each statement copies the values it used.
CREATE TABLE pbr.monitor_threshold (
    name        text PRIMARY KEY,
    value_ppm   integer NOT NULL CHECK (value_ppm BETWEEN 0 AND 1000000),
    description text NOT NULL
);

INSERT INTO pbr.monitor_threshold (name, value_ppm, description) VALUES
 ('needs_mix_drift_ppm', 100000,
  'NEEDS_MIX_DRIFT when a needs band''s share of members moves by more than this against the previous four cohorts'),
 ('risk_drift_ppm', 50000,
  'RISK_DRIFT when the mean predicted binary probability (Eb/W) moves by more than this against the previous four cohorts'),
 ('easy_cases_share_ppm', 800000,
  'EASY_CASES_ONLY when at least this share of the positive binary improvement comes from the 0-needs band while the 3+ band did worse than predicted');

GRANT SELECT ON pbr.monitor_threshold TO pbr_finance, pbr_regulator, pbr_crc;
