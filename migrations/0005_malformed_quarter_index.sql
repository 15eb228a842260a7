-- 0005: run warns about rows whose cohort_quarter is malformed (SPEC 2).
-- Without this partial index that count read every row of the CPA, all
-- quarters, on every run: with years of history it cost more than the
-- COPY of the cohort itself.  The predicate is the query's, word for word.
CREATE INDEX cohort_member_malformed_quarter
    ON pbr.cohort_member (cpa_code)
 WHERE cohort_quarter !~ '^[0-9]{4}Q[1-4]$';
