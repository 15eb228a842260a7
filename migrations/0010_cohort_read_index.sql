-- 0010: read a cohort in offender_ref order without a sort (issue 14).
--
-- The engine reads one contract's cohort ordered by offender_ref bytewise
-- (SPEC 7; the tie order among rows of one offender_ref is settled in the
-- engine).  This covering index holds every column the engine reads, in
-- that order, so the read is an index-only scan: no sort, and no heap
-- visit once VACUUM (autovacuum, after a load) has set the visibility map.
--
-- pbr.cohort_member is a loose landing table: a feed may carry a 1 MB
-- needs list or offender_ref, which no btree entry can hold (about 2.7 kB
-- at most).  So the index is partial: it holds the rows whose text columns
-- fit in 2000 bytes (every real row), and the second, tiny index finds the
-- others, which the engine reads as a second stream and merges
-- (engine/cohort.c).  Both predicates are the engine's ROW_FITS, word for
-- word in meaning, and use nothing postgres_fdw cannot ship (no COALESCE).
-- The statistics let the planner see that the second part is empty, and
-- so keep the index-only plan.
CREATE INDEX cohort_member_read
    ON pbr.cohort_member (cpa_code, cohort_quarter, offender_ref COLLATE "C")
       INCLUDE (pcc_code, start_date, predicted_binary_ppm,
                predicted_frequency_milli, needs, reoffence_count, outcome_status)
 WHERE octet_length(offender_ref) + octet_length(cohort_quarter)
       + octet_length(cpa_code) + octet_length(needs) <= 1000
   AND (pcc_code IS NULL OR octet_length(pcc_code) <= 500)
   AND (outcome_status IS NULL OR octet_length(outcome_status) <= 500);

CREATE INDEX cohort_member_read_oversized
    ON pbr.cohort_member (cpa_code, cohort_quarter)
 WHERE NOT (octet_length(offender_ref) + octet_length(cohort_quarter)
            + octet_length(cpa_code) + octet_length(needs) <= 1000
        AND (pcc_code IS NULL OR octet_length(pcc_code) <= 500)
        AND (outcome_status IS NULL OR octet_length(outcome_status) <= 500));

CREATE STATISTICS pbr.cohort_member_row_bytes
    ON (octet_length(offender_ref) + octet_length(cohort_quarter)
        + octet_length(cpa_code) + octet_length(needs)),
       (octet_length(pcc_code)), (octet_length(outcome_status))
  FROM pbr.cohort_member;
