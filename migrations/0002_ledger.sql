-- 0002: the engine's own tables: the append-only settlement ledger.
--
-- One row per statement issued (original or restatement).  A row is never
-- updated or deleted: the triggers below refuse it for every role, the
-- owner included, and TRUNCATE too.  The statement's exact bytes are kept so
-- that a statement file lost in a crash is reissued byte for byte.

-- Reading a cohort: one contract's CPA and one quarter, in digest order.
CREATE INDEX cohort_member_cpa_quarter
    ON pbr.cohort_member (cpa_code, cohort_quarter);

CREATE SEQUENCE pbr.run_id_seq;

CREATE TABLE pbr.settlement (
    statement_id      text PRIMARY KEY,
    run_id            bigint  NOT NULL,
    contract_id       text    NOT NULL REFERENCES pbr.contract,
    period            text    NOT NULL CHECK (period ~ '^\d{4}Q[1-4]$'),
    cohort_quarter    text    NOT NULL CHECK (cohort_quarter ~ '^\d{4}Q[1-4]$'),
    seq               integer NOT NULL CHECK (seq >= 1),
    kind              text    NOT NULL CHECK (kind IN ('ORIGINAL', 'RESTATEMENT')),
    supersedes        text    REFERENCES pbr.settlement,
    reason            text,
    tariff_version    text    NOT NULL REFERENCES pbr.tariff,
    engine_version    text    NOT NULL,
    input_digest      text    NOT NULL CHECK (input_digest ~ '^[0-9a-f]{64}$'),
    annex_digest      text    NOT NULL CHECK (annex_digest ~ '^[0-9a-f]{64}$'),
    statement_digest  text    NOT NULL CHECK (statement_digest ~ '^[0-9a-f]{64}$'),
    recon_basis       text    NOT NULL DEFAULT '',
    members           bigint  NOT NULL,
    rejected          bigint  NOT NULL,
    reject_counts     text    NOT NULL,
    weighted_size     bigint  NOT NULL,
    expected_binary   bigint  NOT NULL,
    actual_binary     bigint  NOT NULL,
    expected_frequency bigint NOT NULL,
    actual_frequency  bigint  NOT NULL,
    total_pence       bigint  NOT NULL,
    period_due_pence  bigint  NOT NULL,
    amount_due_pence  bigint  NOT NULL,
    statement_xml     bytea   NOT NULL,
    operator          text    NOT NULL DEFAULT session_user,
    started_at        timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (contract_id, period, seq),
    CHECK ((kind = 'ORIGINAL') = (seq = 1)),
    CHECK ((kind = 'ORIGINAL') = (supersedes IS NULL))
);

CREATE FUNCTION pbr.ledger_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'pbr.settlement is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER settlement_no_update BEFORE UPDATE OR DELETE ON pbr.settlement
    FOR EACH ROW EXECUTE FUNCTION pbr.ledger_is_append_only();
CREATE TRIGGER settlement_no_truncate BEFORE TRUNCATE ON pbr.settlement
    FOR EACH STATEMENT EXECUTE FUNCTION pbr.ledger_is_append_only();
-- Fire in replica mode too (SET session_replication_role = replica).
ALTER TABLE pbr.settlement ENABLE ALWAYS TRIGGER settlement_no_update;
ALTER TABLE pbr.settlement ENABLE ALWAYS TRIGGER settlement_no_truncate;

-- A tariff that a statement used can no longer change: a statement must
-- stay re-derivable from the database.
CREATE FUNCTION pbr.tariff_is_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v text;
BEGIN
    IF TG_TABLE_NAME = 'tariff' THEN
        v := OLD.version;
    ELSIF TG_OP = 'INSERT' THEN
        v := NEW.tariff_version;
    ELSE
        v := OLD.tariff_version;
    END IF;
    IF EXISTS (SELECT 1 FROM pbr.settlement WHERE tariff_version = v) THEN
        RAISE EXCEPTION 'tariff % is used by a settlement statement and cannot change', v
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER tariff_frozen BEFORE UPDATE OR DELETE ON pbr.tariff
    FOR EACH ROW EXECUTE FUNCTION pbr.tariff_is_frozen();
CREATE TRIGGER tariff_uplift_frozen BEFORE UPDATE OR DELETE ON pbr.tariff_need_uplift
    FOR EACH ROW EXECUTE FUNCTION pbr.tariff_is_frozen();
-- AFTER, so that INSERT ... ON CONFLICT DO NOTHING of an existing row passes.
CREATE TRIGGER tariff_uplift_frozen_insert AFTER INSERT ON pbr.tariff_need_uplift
    FOR EACH ROW EXECUTE FUNCTION pbr.tariff_is_frozen();

ALTER TABLE pbr.tariff ENABLE ALWAYS TRIGGER tariff_frozen;
ALTER TABLE pbr.tariff_need_uplift ENABLE ALWAYS TRIGGER tariff_uplift_frozen;
ALTER TABLE pbr.tariff_need_uplift ENABLE ALWAYS TRIGGER tariff_uplift_frozen_insert;

-- The statement in force for each contract and period: the latest sequence.
CREATE VIEW pbr.statement_in_force AS
SELECT DISTINCT ON (contract_id, period) *
  FROM pbr.settlement
 ORDER BY contract_id, period, seq DESC;
