-- 0007: the whole contract (SPEC section 11): fee for service, service
-- credits, advances and the Maximum Annual Payment.
--
-- The tables of SPEC 11.1 exactly as written (reference data keyed,
-- landing tables loose: the engine validates them, SPEC 11.2), the ledger
-- opened to monthly statements (one ledger for both kinds of statement),
-- terms frozen once a statement used them, and least privilege for the new
-- tables as 0003 does for the others.

-- ---- SPEC 11.1 -------------------------------------------------------------

CREATE TABLE pbr.contract_year (
    contract_id             text REFERENCES pbr.contract,
    year                    integer CHECK (year BETWEEN 1000 AND 9999),
    annual_price_pence      bigint  NOT NULL CHECK (annual_price_pence BETWEEN 0 AND 1000000000000),
    learning_curve_ppm      integer NOT NULL DEFAULT 0 CHECK (learning_curve_ppm BETWEEN 0 AND 1000000),
    predicted_volume_milli  bigint  NOT NULL CHECK (predicted_volume_milli BETWEEN 1 AND 1000000000000),
    band_low_ppm            integer NOT NULL CHECK (band_low_ppm BETWEEN 0 AND 1000000),
    band_high_ppm           integer NOT NULL CHECK (band_high_ppm BETWEEN 0 AND 10000000),
    adjust_below_ppm        integer NOT NULL CHECK (adjust_below_ppm BETWEEN 0 AND 1000000),
    adjust_above_ppm        integer NOT NULL CHECK (adjust_above_ppm BETWEEN 0 AND 1000000),
    credit_cap_ppm          integer NOT NULL CHECK (credit_cap_ppm BETWEEN 0 AND 1000000),
    advance_pence_per_month bigint  NOT NULL DEFAULT 0 CHECK (advance_pence_per_month >= 0),
    map_pence               bigint  NOT NULL CHECK (map_pence >= 0),
    PRIMARY KEY (contract_id, year)
);

CREATE TABLE pbr.volume_band (
    code        text PRIMARY KEY,
    description text NOT NULL
);

CREATE TABLE pbr.band_weight (
    contract_id  text,
    year         integer,
    band_code    text REFERENCES pbr.volume_band,
    weight_milli integer NOT NULL CHECK (weight_milli BETWEEN 1 AND 100000),
    PRIMARY KEY (contract_id, year, band_code),
    FOREIGN KEY (contract_id, year) REFERENCES pbr.contract_year
);

CREATE TABLE pbr.kpi (
    code        text PRIMARY KEY,
    description text NOT NULL
);

CREATE TABLE pbr.kpi_term (
    contract_id  text,
    year         integer,
    kpi_code     text REFERENCES pbr.kpi,
    target_ppm   integer NOT NULL CHECK (target_ppm BETWEEN 0 AND 1000000),
    credit_pence bigint  NOT NULL CHECK (credit_pence >= 0),
    PRIMARY KEY (contract_id, year, kpi_code),
    FOREIGN KEY (contract_id, year) REFERENCES pbr.contract_year
);

CREATE TABLE pbr.credit_waiver (
    contract_id text NOT NULL,
    month       text NOT NULL,
    kpi_code    text NOT NULL,
    reason      text NOT NULL,
    approved_by text NOT NULL,
    PRIMARY KEY (contract_id, month, kpi_code)
);

-- landing tables: loose on purpose; the engine validates them (SPEC 11.2)
CREATE TABLE pbr.volume_return (
    contract_id text NOT NULL,
    month       text NOT NULL,
    band_code   text,
    cases       integer
);

CREATE TABLE pbr.kpi_return (
    contract_id text NOT NULL,
    month       text NOT NULL,
    kpi_code    text,
    numerator   bigint,
    denominator bigint
);

-- A monthly run reads one contract's month (December: its year).
CREATE INDEX volume_return_contract_month ON pbr.volume_return (contract_id, month);
CREATE INDEX kpi_return_contract_month ON pbr.kpi_return (contract_id, month);

-- ---- one ledger for PbR and monthly statements ---------------------------
--
-- statement_type says which: 'PBR' (SettlementStatement, period YYYYQn,
-- SPEC 7-8) or 'MONTHLY' (MonthlyStatement, period YYYY-MM, SPEC 11).  A
-- monthly row has no cohort, tariff or cohort sums (NULL), and carries the
-- month's figures instead; total_pence is its PeriodDuePence.  The
-- December statement's year-end figures are the ones the PbR annual
-- reconciliation caps with (SPEC 6).
ALTER TABLE pbr.settlement
    ADD COLUMN statement_type   text NOT NULL DEFAULT 'PBR'
        CHECK (statement_type IN ('PBR', 'MONTHLY')),
    ADD COLUMN ffs_pence        bigint,   -- the month's instalment (Ffs)
    ADD COLUMN credit_pence     bigint,   -- service credits after the cap
    ADD COLUMN advance_pence    bigint,   -- the month's advance
    ADD COLUMN adjustment_pence bigint,   -- year-end volume adjustment (December; else 0)
    ADD COLUMN ffs_year_pence   bigint,   -- December: A' + adjustment
    ADD COLUMN map_pence        bigint,   -- December: the Maximum Annual Payment
    ADD COLUMN pbr_pot_pence    bigint;   -- December: max(MAP - FfsYear, 0)

ALTER TABLE pbr.settlement DROP CONSTRAINT settlement_period_check;
ALTER TABLE pbr.settlement
    ALTER COLUMN cohort_quarter DROP NOT NULL,
    ALTER COLUMN tariff_version DROP NOT NULL,
    ALTER COLUMN members DROP NOT NULL,
    ALTER COLUMN rejected DROP NOT NULL,
    ALTER COLUMN reject_counts DROP NOT NULL,
    ALTER COLUMN weighted_size DROP NOT NULL,
    ALTER COLUMN expected_binary DROP NOT NULL,
    ALTER COLUMN actual_binary DROP NOT NULL,
    ALTER COLUMN expected_frequency DROP NOT NULL,
    ALTER COLUMN actual_frequency DROP NOT NULL,
    ADD CONSTRAINT settlement_period_check CHECK (
        (statement_type = 'PBR' AND period ~ '^\d{4}Q[1-4]$') OR
        (statement_type = 'MONTHLY' AND period ~ '^\d{4}-(0[1-9]|1[0-2])$')),
    ADD CONSTRAINT settlement_pbr_columns CHECK (
        statement_type <> 'PBR' OR (
            cohort_quarter IS NOT NULL AND tariff_version IS NOT NULL AND
            members IS NOT NULL AND rejected IS NOT NULL AND
            reject_counts IS NOT NULL AND weighted_size IS NOT NULL AND
            expected_binary IS NOT NULL AND actual_binary IS NOT NULL AND
            expected_frequency IS NOT NULL AND actual_frequency IS NOT NULL)),
    ADD CONSTRAINT settlement_monthly_columns CHECK (
        statement_type <> 'MONTHLY' OR (
            cohort_quarter IS NULL AND tariff_version IS NULL AND
            ffs_pence IS NOT NULL AND credit_pence IS NOT NULL AND
            advance_pence IS NOT NULL AND adjustment_pence IS NOT NULL AND
            (ffs_year_pence IS NOT NULL) = (right(period, 2) = '12') AND
            (map_pence IS NOT NULL) = (right(period, 2) = '12') AND
            (pbr_pot_pence IS NOT NULL) = (right(period, 2) = '12')));

-- The view's * was expanded when 0002 made it: make it again so that it
-- shows the new columns (CREATE OR REPLACE keeps its grants).
CREATE OR REPLACE VIEW pbr.statement_in_force WITH (security_invoker = true) AS
SELECT DISTINCT ON (contract_id, period) *
  FROM pbr.settlement
 ORDER BY contract_id, period, seq DESC;

-- ---- terms frozen once a statement used them (as tariffs, 0002) ----------
--
-- A contract year's terms are used by its monthly statements and by the
-- PbR statements of its four cohorts (advance netting, the MAP).  Once
-- either exists, the year's contract_year, band_weight and kpi_term rows
-- can no longer change, nor can rows be added: a statement must stay
-- re-derivable from the database.  A contract_year row cannot be added
-- for a year whose PbR statements were settled without one either.
CREATE FUNCTION pbr.contract_year_is_used(c text, y integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM pbr.settlement
         WHERE contract_id = c
           AND ((statement_type = 'MONTHLY' AND left(period, 4) = y::text) OR
                (statement_type = 'PBR' AND left(cohort_quarter, 4) = y::text)))
$$;

CREATE FUNCTION pbr.contract_terms_are_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND
       pbr.contract_year_is_used(OLD.contract_id, OLD.year) THEN
        RAISE EXCEPTION 'terms of contract % year % are used by a settlement statement and cannot change (%.%)',
            OLD.contract_id, OLD.year, TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND
       pbr.contract_year_is_used(NEW.contract_id, NEW.year) THEN
        RAISE EXCEPTION 'terms of contract % year % are used by a settlement statement and cannot change (%.%)',
            NEW.contract_id, NEW.year, TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER contract_year_frozen BEFORE UPDATE OR DELETE ON pbr.contract_year
    FOR EACH ROW EXECUTE FUNCTION pbr.contract_terms_are_frozen();
CREATE TRIGGER band_weight_frozen BEFORE UPDATE OR DELETE ON pbr.band_weight
    FOR EACH ROW EXECUTE FUNCTION pbr.contract_terms_are_frozen();
CREATE TRIGGER kpi_term_frozen BEFORE UPDATE OR DELETE ON pbr.kpi_term
    FOR EACH ROW EXECUTE FUNCTION pbr.contract_terms_are_frozen();
-- AFTER, so that INSERT ... ON CONFLICT DO NOTHING of an existing row passes.
CREATE TRIGGER contract_year_frozen_insert AFTER INSERT ON pbr.contract_year
    FOR EACH ROW EXECUTE FUNCTION pbr.contract_terms_are_frozen();
CREATE TRIGGER band_weight_frozen_insert AFTER INSERT ON pbr.band_weight
    FOR EACH ROW EXECUTE FUNCTION pbr.contract_terms_are_frozen();
CREATE TRIGGER kpi_term_frozen_insert AFTER INSERT ON pbr.kpi_term
    FOR EACH ROW EXECUTE FUNCTION pbr.contract_terms_are_frozen();

ALTER TABLE pbr.contract_year ENABLE ALWAYS TRIGGER contract_year_frozen;
ALTER TABLE pbr.band_weight ENABLE ALWAYS TRIGGER band_weight_frozen;
ALTER TABLE pbr.kpi_term ENABLE ALWAYS TRIGGER kpi_term_frozen;
ALTER TABLE pbr.contract_year ENABLE ALWAYS TRIGGER contract_year_frozen_insert;
ALTER TABLE pbr.band_weight ENABLE ALWAYS TRIGGER band_weight_frozen_insert;
ALTER TABLE pbr.kpi_term ENABLE ALWAYS TRIGGER kpi_term_frozen_insert;

-- ---- least privilege (SPEC 10, as 0003) ----------------------------------
--
--   pbr_finance    reads everything, lands returns and records waivers
--                  (INSERT only; the terms are reference data).
--   pbr_regulator  reads terms, returns and waivers: they are aggregates
--                  (case counts, KPI ratios), never an offender row; a
--                  regulator's verify recomputes monthly statements from them.
--   pbr_crc        sees only its own contracts' terms, returns and waivers.
GRANT SELECT ON pbr.volume_band, pbr.kpi TO pbr_finance, pbr_regulator, pbr_crc;
GRANT SELECT ON pbr.contract_year, pbr.band_weight, pbr.kpi_term,
    pbr.credit_waiver, pbr.volume_return, pbr.kpi_return
    TO pbr_finance, pbr_regulator, pbr_crc;
GRANT INSERT ON pbr.volume_return, pbr.kpi_return, pbr.credit_waiver TO pbr_finance;

ALTER TABLE pbr.contract_year ENABLE ROW LEVEL SECURITY;
ALTER TABLE pbr.band_weight ENABLE ROW LEVEL SECURITY;
ALTER TABLE pbr.kpi_term ENABLE ROW LEVEL SECURITY;
ALTER TABLE pbr.credit_waiver ENABLE ROW LEVEL SECURITY;
ALTER TABLE pbr.volume_return ENABLE ROW LEVEL SECURITY;
ALTER TABLE pbr.kpi_return ENABLE ROW LEVEL SECURITY;

CREATE POLICY finance_all ON pbr.contract_year TO pbr_finance USING (true) WITH CHECK (true);
CREATE POLICY regulator_all ON pbr.contract_year FOR SELECT TO pbr_regulator USING (true);
CREATE POLICY crc_own ON pbr.contract_year FOR SELECT TO pbr_crc
    USING (contract_id IN (SELECT pbr.my_contracts()));

CREATE POLICY finance_all ON pbr.band_weight TO pbr_finance USING (true) WITH CHECK (true);
CREATE POLICY regulator_all ON pbr.band_weight FOR SELECT TO pbr_regulator USING (true);
CREATE POLICY crc_own ON pbr.band_weight FOR SELECT TO pbr_crc
    USING (contract_id IN (SELECT pbr.my_contracts()));

CREATE POLICY finance_all ON pbr.kpi_term TO pbr_finance USING (true) WITH CHECK (true);
CREATE POLICY regulator_all ON pbr.kpi_term FOR SELECT TO pbr_regulator USING (true);
CREATE POLICY crc_own ON pbr.kpi_term FOR SELECT TO pbr_crc
    USING (contract_id IN (SELECT pbr.my_contracts()));

CREATE POLICY finance_all ON pbr.credit_waiver TO pbr_finance USING (true) WITH CHECK (true);
CREATE POLICY regulator_all ON pbr.credit_waiver FOR SELECT TO pbr_regulator USING (true);
CREATE POLICY crc_own ON pbr.credit_waiver FOR SELECT TO pbr_crc
    USING (contract_id IN (SELECT pbr.my_contracts()));

CREATE POLICY finance_all ON pbr.volume_return TO pbr_finance USING (true) WITH CHECK (true);
CREATE POLICY regulator_all ON pbr.volume_return FOR SELECT TO pbr_regulator USING (true);
CREATE POLICY crc_own ON pbr.volume_return FOR SELECT TO pbr_crc
    USING (contract_id IN (SELECT pbr.my_contracts()));

CREATE POLICY finance_all ON pbr.kpi_return TO pbr_finance USING (true) WITH CHECK (true);
CREATE POLICY regulator_all ON pbr.kpi_return FOR SELECT TO pbr_regulator USING (true);
CREATE POLICY crc_own ON pbr.kpi_return FOR SELECT TO pbr_crc
    USING (contract_id IN (SELECT pbr.my_contracts()));
