-- 0006: the binary measure by statistical significance (SPEC 5a).
--
-- Five tariff columns, each with the default that keeps every existing
-- tariff on the fixed hurdle of SPEC 5 with no deduction, so statements
-- already issued re-derive unchanged.  ADD COLUMN fires no row trigger, so
-- the freeze on used tariffs (0002) stays as it was and covers the new
-- columns from now on.

ALTER TABLE pbr.tariff
    ADD COLUMN binary_mode text NOT NULL DEFAULT 'hurdle'
        CHECK (binary_mode IN ('hurdle', 'significance')),
    ADD COLUMN significance_z_milli integer NOT NULL DEFAULT 1960
        CHECK (significance_z_milli BETWEEN 1 AND 5000),
    ADD COLUMN deduction_price_pence bigint NOT NULL DEFAULT 0
        CHECK (deduction_price_pence >= 0),
    ADD COLUMN deduction_cap_pence bigint NOT NULL DEFAULT 0
        CHECK (deduction_cap_pence >= 0),
    ADD COLUMN termination_ppm integer
        CHECK (termination_ppm BETWEEN 0 AND 1000000);

COMMENT ON COLUMN pbr.tariff.binary_mode IS
    'hurdle (SPEC 5) or significance (SPEC 5a: pay for a significant fall, deduct for a significant rise)';
COMMENT ON COLUMN pbr.tariff.significance_z_milli IS
    'critical value z in thousandths; 1960 = 95 % two-sided';
COMMENT ON COLUMN pbr.tariff.deduction_price_pence IS
    'per weighted offender reoffending beyond prediction, significance mode only';
COMMENT ON COLUMN pbr.tariff.deduction_cap_pence IS
    'most one cohort can be deducted (k times it for an annual pool)';
COMMENT ON COLUMN pbr.tariff.termination_ppm IS
    'a significant rise of at least this weighted rate sets TerminationFlag (no money); NULL for never';
