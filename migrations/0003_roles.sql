-- 0003: least privilege (SPEC section 10).
--
--   pbr_finance    runs settlements and imports feeds: reads the inputs,
--                  appends to the ledger (never updates or deletes it).
--   pbr_regulator  reads statements, the ledger and reference data; never
--                  an offender-level row.
--   pbr_crc        group of the per-provider logins: each sees only the
--                  cohort rows of its own contracts' CPAs and its own
--                  statements (row-level security), and writes nothing.
--
-- Roles are cluster-wide, so they are created only when missing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pbr_finance') THEN
        CREATE ROLE pbr_finance NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pbr_regulator') THEN
        CREATE ROLE pbr_regulator NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pbr_crc') THEN
        CREATE ROLE pbr_crc NOLOGIN;
    END IF;
END;
$$;

-- Which provider each CRC login speaks for.
CREATE TABLE pbr.provider_login (
    role_name   name PRIMARY KEY,
    provider_id text NOT NULL REFERENCES pbr.provider
);

REVOKE ALL ON SCHEMA pbr FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA pbr FROM PUBLIC;
GRANT USAGE ON SCHEMA pbr TO pbr_finance, pbr_regulator, pbr_crc;

-- reference data: everyone who works with settlements may read it
GRANT SELECT ON pbr.cpa, pbr.pcc_area, pbr.provider, pbr.need, pbr.tariff,
    pbr.tariff_need_uplift, pbr.contract, pbr.contract_tariff
    TO pbr_finance, pbr_regulator, pbr_crc;

-- finance: inputs, and the ledger append-only
GRANT SELECT, INSERT ON pbr.cohort_member TO pbr_finance;
GRANT SELECT, INSERT ON pbr.settlement TO pbr_finance;
GRANT SELECT ON pbr.statement_in_force, pbr.schema_migration TO pbr_finance;
GRANT USAGE ON SEQUENCE pbr.run_id_seq TO pbr_finance;

-- regulator: statements and aggregates only
GRANT SELECT ON pbr.settlement, pbr.statement_in_force TO pbr_regulator;

-- CRCs: their own rows, through the policies below
GRANT SELECT ON pbr.cohort_member, pbr.settlement, pbr.statement_in_force TO pbr_crc;

-- The view checks the caller's rights and policies, not its owner's.
ALTER VIEW pbr.statement_in_force SET (security_invoker = true);

-- The CPAs whose rows the calling CRC login may see.
CREATE FUNCTION pbr.my_cpas() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT c.cpa_code FROM pbr.contract c
      JOIN pbr.provider_login l ON l.provider_id = c.provider_id
     WHERE l.role_name = session_user
$$;
CREATE FUNCTION pbr.my_contracts() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT c.id FROM pbr.contract c
      JOIN pbr.provider_login l ON l.provider_id = c.provider_id
     WHERE l.role_name = session_user
$$;
REVOKE ALL ON FUNCTION pbr.my_cpas(), pbr.my_contracts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pbr.my_cpas(), pbr.my_contracts() TO pbr_crc;

ALTER TABLE pbr.cohort_member ENABLE ROW LEVEL SECURITY;
ALTER TABLE pbr.settlement ENABLE ROW LEVEL SECURITY;

CREATE POLICY finance_all ON pbr.cohort_member TO pbr_finance USING (true) WITH CHECK (true);
CREATE POLICY crc_own ON pbr.cohort_member FOR SELECT TO pbr_crc
    USING (cpa_code IN (SELECT pbr.my_cpas()));

CREATE POLICY finance_all ON pbr.settlement TO pbr_finance USING (true) WITH CHECK (true);
CREATE POLICY regulator_all ON pbr.settlement FOR SELECT TO pbr_regulator USING (true);
CREATE POLICY crc_own ON pbr.settlement FOR SELECT TO pbr_crc
    USING (contract_id IN (SELECT pbr.my_contracts()));

-- Creates a CRC login for a provider.  Run by an administrator; the
-- password, if any, is set separately (ALTER ROLE ... PASSWORD), never here.
CREATE FUNCTION pbr.create_crc_login(login name, provider text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', login);
    END IF;
    EXECUTE format('GRANT pbr_crc TO %I', login);
    INSERT INTO pbr.provider_login (role_name, provider_id) VALUES (login, provider);
END;
$$;
REVOKE ALL ON FUNCTION pbr.create_crc_login(name, text) FROM PUBLIC;
