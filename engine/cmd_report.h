/*
 * cmd_report.h - `pbr-settle report`: a settlement statement rendered as
 * an HTML page or a CSV table (SPEC section 9).
 *
 *   pbr-settle report FILE.xml --format html|csv --out FILE
 *
 * The statement is parsed without DTD, entity expansion or network,
 * validated against <datadir>/schemas/statement.xsd, and transformed
 * in-process by <datadir>/reports/statement-<format>.xsl with libxslt
 * (file writes and network forbidden).  The output is written to a
 * temporary file beside FILE, fsynced and renamed, so the final name
 * never holds a partial report.
 *
 * Exit codes (sysexits.h): 0 ok, 64 usage, 65 not a valid statement,
 * 66 input missing or unreadable, 70 internal (stylesheet or schema
 * missing or broken), 73 cannot create the output, 74 write failure.
 */
#ifndef PBR_CMD_REPORT_H
#define PBR_CMD_REPORT_H

/* argv[0] is "report".  Returns an exit code; every failure has printed
 * one line on stderr. */
int cmd_report(int argc, char **argv);

#endif
