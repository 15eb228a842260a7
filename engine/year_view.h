/*
 * year_view.h - the contract year (SPEC 11.6, `report --contract-year ID
 * YEAR`): every statement in force of contract ID for year Y, from the
 * ledger: the twelve monthly statements of Y-01..Y-12 and the PbR
 * statements of cohorts YQ1..YQ4, figures copied as the statements state
 * them, sums with overflow checks, and what is not yet settled marked as
 * such (never as 0).  The document is a <ContractYear> (namespace
 * urn:pbr-settle:contract-year:1) for reports/contract-year-<format>.xsl.
 */
#ifndef PBR_YEAR_VIEW_H
#define PBR_YEAR_VIEW_H

#include <libpq-fe.h>
#include <libxml/tree.h>

#define PBR_YEAR_VIEW_NS "urn:pbr-settle:contract-year:1"

/* Builds the year (year_text its four digits, checked by the caller).
 * Returns 0 and *out (the caller frees it), or a sysexits code after one
 * line (65 when the contract has no such year). */
int pbr_year_view_build(PGconn *conn, const char *contract, const char *year_text, int year,
			xmlDocPtr *out);

#endif
