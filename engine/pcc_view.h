/*
 * pcc_view.h - the PCC view (`report --pcc CODE --from P1 --to P2`): one
 * PCC area across the statements in force of its CPA's contracts, for a
 * Police and Crime Commissioner (seed 002, 7-8: PCCs see local results,
 * and whether people with complex needs are left out).
 *
 * Built from the ledger: every statement in force (the latest of each
 * contract and period, pbr.statement_in_force) of the contracts of the
 * area's CPA with P1 <= period <= P2, parsed from the exact bytes
 * recorded (render.h), its PccArea@code picked.  The figures are copied
 * as the statement states them; totals are int64 sums with overflow
 * checks; display rates are integer per mille.  The document is a
 * <PccView> (namespace urn:pbr-settle:pcc-view:1) for
 * reports/pcc-<format>.xsl.
 */
#ifndef PBR_PCC_VIEW_H
#define PBR_PCC_VIEW_H

#include <libpq-fe.h>
#include <libxml/tree.h>

#define PBR_PCC_VIEW_NS "urn:pbr-settle:pcc-view:1"

/* Builds the view of area pcc for periods from..to (checked by the
 * caller: a code, two quarters in order).  Returns 0 and *out (the
 * caller frees it), or a sysexits code after one line (65 for an
 * unknown area or a statement that does not add up). */
int pbr_pcc_view_build(PGconn *conn, const char *pcc, const char *from, const char *to,
		       xmlDocPtr *out);

#endif
