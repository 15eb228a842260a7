/*
 * cmd_report.h - `pbr-settle report`: a settlement statement rendered as
 * an HTML page or a CSV table (SPEC section 9), and the PCC view.
 *
 *   pbr-settle report FILE.xml --format html|csv --out FILE
 *   pbr-settle report --pcc CODE --from P1 --to P2 --format html|csv --out FILE
 *
 * The statement is parsed without DTD, entity expansion or network,
 * validated against <datadir>/schemas/statement.xsd, and transformed
 * in-process by <datadir>/reports/statement-<format>.xsl with libxslt
 * (file writes and network forbidden).  The output is written to a
 * temporary file beside FILE, fsynced and renamed, so the final name
 * never holds a partial report.
 *
 * The PCC view: for PCC area CODE, every statement in force
 * (pbr.statement_in_force) of the contracts of its CPA with P1 <= period
 * <= P2, taken from the ledger's stored XML; per period the area's
 * members, expected and actual binary rates, actual / expected frequency
 * and the pence attributed to it, and the totals; rendered by
 * <datadir>/reports/pcc-<format>.xsl.
 *
 * Exit codes (sysexits.h): 0 ok, 64 usage (also a malformed --pcc,
 * --from or --to), 65 not a valid statement / unknown PCC area, 66 input
 * missing or unreadable, 69 database unavailable, 70 internal (stylesheet
 * or schema missing or broken), 73 cannot create the output, 74 write
 * failure.
 */
#ifndef PBR_CMD_REPORT_H
#define PBR_CMD_REPORT_H

#include <stddef.h>

/* argv[0] is "report".  Returns an exit code; every failure has printed
 * one line on stderr. */
int cmd_report(int argc, char **argv);

/* Checks a statement held in memory (name is for messages) exactly as
 * `report` checks a file (no DOCTYPE, namespace, XSD), renders it with
 * reports/statement-<format>.xsl (format "html" or "csv") and writes
 * dir/file atomically.  Returns 0 or an exit code after one line. */
int pbr_report_statement_buffer(const char *name, const char *xml, size_t len,
				const char *format, const char *dir, const char *file);

#endif
