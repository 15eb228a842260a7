-- 0008: the import log (SPEC 9).  Every `pbr-settle import` that loads a
-- file records the file's SHA-256 here, in the same transaction as its
-- rows, so that a second import of the same bytes is refused (unless
-- --again, which is recorded too).  Append-only, like the ledger.
CREATE TABLE pbr.import_log (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,
    file_name    text NOT NULL,
    file_sha256  text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
    row_count    bigint NOT NULL CHECK (row_count >= 0),
    again        boolean NOT NULL DEFAULT false,
    imported_at  timestamptz NOT NULL DEFAULT now(),
    imported_by  name NOT NULL DEFAULT session_user
);
CREATE INDEX import_log_sha256 ON pbr.import_log (file_sha256);

CREATE FUNCTION pbr.import_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'pbr.import_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER import_log_no_update BEFORE UPDATE OR DELETE ON pbr.import_log
    FOR EACH ROW EXECUTE FUNCTION pbr.import_log_is_append_only();
CREATE TRIGGER import_log_no_truncate BEFORE TRUNCATE ON pbr.import_log
    FOR EACH STATEMENT EXECUTE FUNCTION pbr.import_log_is_append_only();
ALTER TABLE pbr.import_log ENABLE ALWAYS TRIGGER import_log_no_update;
ALTER TABLE pbr.import_log ENABLE ALWAYS TRIGGER import_log_no_truncate;

-- finance imports feeds; the regulator may see what was imported, when
-- and by whom (no offender data here)
REVOKE ALL ON pbr.import_log FROM PUBLIC;
GRANT SELECT, INSERT ON pbr.import_log TO pbr_finance;
GRANT USAGE ON SEQUENCE pbr.import_log_id_seq TO pbr_finance;
GRANT SELECT ON pbr.import_log TO pbr_regulator;
