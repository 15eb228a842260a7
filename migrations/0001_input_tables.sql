-- 0001: the input tables of SPEC section 2, exactly as specified.  Upstream
-- systems write to these; pbr.cohort_member is deliberately loose so that the
-- engine, not the loader, catches bad rows (SPEC section 4).
CREATE SCHEMA IF NOT EXISTS pbr;

CREATE TABLE pbr.cpa (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE pbr.pcc_area (
    code     text PRIMARY KEY,
    name     text NOT NULL,
    cpa_code text NOT NULL REFERENCES pbr.cpa
);

CREATE TABLE pbr.provider (
    id   text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE pbr.need (
    code        text PRIMARY KEY,
    description text NOT NULL
);

CREATE TABLE pbr.tariff (
    version               text PRIMARY KEY,
    binary_price_pence    bigint  NOT NULL,
    frequency_price_pence bigint  NOT NULL,
    binary_hurdle_ppm     integer NOT NULL,
    cohort_cap_pence      bigint  NOT NULL,
    max_weight_bp         integer NOT NULL,
    max_reject_ppm        integer NOT NULL,
    description           text    NOT NULL DEFAULT ''
);

CREATE TABLE pbr.tariff_need_uplift (
    tariff_version text REFERENCES pbr.tariff,
    need_code      text REFERENCES pbr.need,
    uplift_bp      integer NOT NULL,
    PRIMARY KEY (tariff_version, need_code)
);

CREATE TABLE pbr.contract (
    id           text PRIMARY KEY CHECK (id ~ '^[A-Z0-9_-]{1,32}$'),
    provider_id  text NOT NULL REFERENCES pbr.provider,
    cpa_code     text NOT NULL REFERENCES pbr.cpa,
    first_cohort text NOT NULL,
    last_cohort  text NOT NULL
);

CREATE TABLE pbr.contract_tariff (
    contract_id    text REFERENCES pbr.contract,
    from_cohort    text NOT NULL CHECK (from_cohort ~ '^\d{4}Q1$'),
    tariff_version text NOT NULL REFERENCES pbr.tariff,
    PRIMARY KEY (contract_id, from_cohort)
);

CREATE TABLE pbr.cohort_member (
    offender_ref              text    NOT NULL,
    cohort_quarter            text    NOT NULL,
    cpa_code                  text    NOT NULL,
    pcc_code                  text,
    start_date                date,
    predicted_binary_ppm      integer,
    predicted_frequency_milli integer,
    needs                     text    NOT NULL DEFAULT '',
    reoffence_count           integer,
    outcome_status            text
);
