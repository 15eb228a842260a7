/*
 * cmd_report.c - `pbr-settle report`: parses the options and dispatches.
 *
 *   report FILE.xml --format html|csv --out FILE [--cert PEM]   render.c
 *   report --pcc CODE --from P1 --to P2 --format ... --out FILE  pcc_view.c
 *   report --index DIR [--format ...] --out FILE [--cert PEM]    report_index.c
 *   report --contract-year ID YEAR --format ... --out FILE       year_view.c
 *
 * The statement and the index read files only; the PCC view and the
 * contract year read the ledger (the statements in force, exactly as
 * recorded) and assemble a view document that render.c transforms.
 * Every output goes through pbr_write_atomic() (outfile.h).
 */
#include "cmd_report.h"
#include "commands.h"
#include "core.h"
#include "db.h"
#include "pcc_view.h"
#include "render.h"
#include "report_index.h"
#include "util.h"
#include "year_view.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct report_opts {
	const char *input;	/* the statement */
	const char *out;	/* --out */
	enum pbr_format format;
	const char *cert;	/* --cert: check the signature with it */
	/* PCC multi-period view */
	const char *pcc;
	const char *from;
	const char *to;
	const char *index;	/* --index DIR */
	const char *cy_contract;	/* --contract-year ID YEAR */
	const char *cy_year;
};

/* ------------------------------------------------------------------ */
/* Usage */

static void usage(FILE *f)
{
	fputs("usage: " PBR_PROGRAM " report FILE.xml --format html|csv --out FILE [--cert PEM]\n"
	      "       " PBR_PROGRAM " report --pcc CODE --from P1 --to P2 --format html|csv --out FILE\n"
	      "       " PBR_PROGRAM " report --index DIR [--format html|csv] --out FILE [--cert PEM]\n"
	      "       " PBR_PROGRAM " report --contract-year ID YEAR --format html|csv --out FILE\n"
	      "  Renders a settlement statement as a self-contained HTML page or\n"
	      "  as CSV (one line per PCC area and a TOTAL line with what is paid);\n"
	      "  with --cert the HTML says whether the signature is that\n"
	      "  certificate's.  With --pcc, one PCC area across the statements in\n"
	      "  force of periods P1..P2, read from the ledger, with the area's needs\n"
	      "  bands recomputed from the cohort rows (a login that reads them).\n"
	      "  With --index, every statement in DIR with its amount due and\n"
	      "  verdict (schema, annex digest, signature, superseded); `verify`\n"
	      "  recomputes the figures.\n"
	      "  With --contract-year, the year's whole value from the ledger: the\n"
	      "  twelve monthly statements in force, the PbR statements of the year's\n"
	      "  four cohorts, totals, the MAP and the PbR pot (SPEC 11.6).\n"
	      "  The output is written to a temporary file and renamed into place.\n", f);
}

enum { OPT_FORMAT = 256, OPT_OUT, OPT_PCC, OPT_FROM, OPT_TO, OPT_CERT, OPT_INDEX, OPT_CY };

/* An option that may be given once: *slot set, or 64 after one line. */
static int once(const char **slot, const char *arg, const char *name)
{
	if (*slot)
		return pbr_error(EX_USAGE, "report: %s given twice", name);
	*slot = arg;
	return 0;
}

/* One option of the loop in parse_options.  0, or an exit code; -1 for
 * --help (printed). */
static int take_option(int c, const char *arg, char **argv, struct report_opts *o)
{
	switch (c) {
	case OPT_FORMAT:
		if (o->format != PBR_FORMAT_NONE)
			return pbr_error(EX_USAGE, "report: --format given twice");
		if (pbr_format_parse(arg, &o->format) != 0)
			return pbr_error(EX_USAGE, "report: --format must be html or csv, not '%s'",
					 arg);
		return 0;
	case OPT_OUT:
		if (o->out)
			return pbr_error(EX_USAGE, "report: --out given twice");
		if (*arg == '\0')
			return pbr_error(EX_USAGE, "report: --out needs a file name");
		o->out = arg;
		return 0;
	case OPT_PCC:
		o->pcc = arg;
		return 0;
	case OPT_FROM:
		o->from = arg;
		return 0;
	case OPT_TO:
		o->to = arg;
		return 0;
	case OPT_CERT:
		return once(&o->cert, arg, "--cert");
	case OPT_INDEX:
		return once(&o->index, arg, "--index");
	case OPT_CY:
		return once(&o->cy_contract, arg, "--contract-year");
	case 'h':
		usage(stdout);
		return -1;
	case ':':
		return pbr_error(EX_USAGE, "report: option '%s' needs a value", argv[optind - 1]);
	default:
		return pbr_error(EX_USAGE, "report: unknown option '%s' (try --help)",
				 argv[optind - 1]);
	}
}

/* The options; the operands are left at argv[optind..]. */
static int parse_options(int argc, char **argv, struct report_opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "pcc", required_argument, NULL, OPT_PCC },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "contract-year", required_argument, NULL, OPT_CY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, code;

	memset(o, 0, sizeof *o);
	optind = 0;	/* GNU: full reinitialisation, main may have used getopt */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1)
		if ((code = take_option(c, optarg ? optarg : "", argv, o)) != 0)
			return code;
	return 0;
}

static int need_format_and_out(const struct report_opts *o)
{
	if (o->format == PBR_FORMAT_NONE)
		return pbr_error(EX_USAGE, "report: --format html|csv is required");
	if (o->out == NULL)
		return pbr_error(EX_USAGE, "report: --out FILE is required");
	return 0;
}

/* --contract-year ID YEAR: the year is the one operand. */
static int operands_contract_year(int argc, char **argv, struct report_opts *o)
{
	if (o->index || o->pcc || o->from || o->to || o->cert)
		return pbr_error(EX_USAGE, "report: --contract-year ID YEAR is a report of its own");
	if (optind >= argc)
		return pbr_error(EX_USAGE, "report: --contract-year needs the contract and the year "
				 "(usage: report --contract-year ID YEAR --format html|csv --out FILE)");
	o->cy_year = argv[optind];
	if (optind + 1 < argc)
		return pbr_error(EX_USAGE, "report: '%s' is extra", argv[optind + 1]);
	return need_format_and_out(o);
}

static int operands_index(int argc, char **argv, struct report_opts *o)
{
	if (o->pcc || o->from || o->to)
		return pbr_error(EX_USAGE, "report: --index and --pcc are separate reports");
	if (optind < argc)
		return pbr_error(EX_USAGE, "report: --index reads a directory; '%s' is extra",
				 argv[optind]);
	if (o->format == PBR_FORMAT_NONE)
		o->format = PBR_FORMAT_HTML;
	if (o->out == NULL)
		return pbr_error(EX_USAGE, "report: --out FILE is required");
	return 0;
}

/* Returns 0 and fills o, or an exit code (after printing one line);
 * -1 means --help was printed. */
static int parse_args(int argc, char **argv, struct report_opts *o)
{
	int code = parse_options(argc, argv, o);

	if (code != 0)
		return code;
	if (o->cy_contract)
		return operands_contract_year(argc, argv, o);
	if (o->index)
		return operands_index(argc, argv, o);
	if (o->pcc || o->from || o->to) {
		if (o->cert)
			return pbr_error(EX_USAGE, "report: --cert is for a statement or --index, "
					 "not the PCC view (it reads the ledger)");
		/* checked by check_pcc() */
		if (optind < argc)
			o->input = argv[optind];
		return 0;
	}
	if (optind >= argc)
		return pbr_error(EX_USAGE, "report: no statement file given "
				 "(usage: report FILE.xml --format html|csv --out FILE)");
	if (optind + 1 < argc)
		return pbr_error(EX_USAGE, "report: one statement file only, '%s' is extra",
				 argv[optind + 1]);
	o->input = argv[optind];
	return need_format_and_out(o);
}

static bool code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

static int check_pcc(const struct report_opts *o)
{
	int from, to;

	if (o->pcc == NULL || o->from == NULL || o->to == NULL)
		return pbr_error(EX_USAGE, "report: --pcc, --from and --to go together "
				 "(usage: report --pcc CODE --from P1 --to P2 --format html|csv --out FILE)");
	if (!code_ok(o->pcc))
		return pbr_error(EX_USAGE, "report: --pcc must be 1 to 32 letters, digits, '_' or '-'");
	if (pbr_quarter_parse(o->from, &from) != 0 || pbr_quarter_parse(o->to, &to) != 0)
		return pbr_error(EX_USAGE, "report: --from and --to must be quarters such as 2025Q4");
	if (from > to)
		return pbr_error(EX_USAGE, "report: --from %s is after --to %s", o->from, o->to);
	if (o->input)
		return pbr_error(EX_USAGE, "report: the PCC view reads the ledger; '%s' is extra",
				 o->input);
	return need_format_and_out(o);
}

static int check_contract_year(const struct report_opts *o, int *year)
{
	const char *y = o->cy_year;

	if (!pbr_contract_id_ok(o->cy_contract))
		return pbr_error(EX_USAGE, "report: --contract-year: the contract must match ^[A-Z0-9_-]{1,32}$");
	if (y == NULL || strlen(y) != 4 || strspn(y, "0123456789") != 4 || y[0] == '0')
		return pbr_error(EX_USAGE, "report: --contract-year: the year must be four digits such as 2025");
	*year = atoi(y);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The views read from the ledger: connect, build the document, render. */

static int build_view(PGconn *conn, const struct report_opts *o, int year, xmlDocPtr *doc)
{
	if (o->cy_contract)
		return pbr_year_view_build(conn, o->cy_contract, o->cy_year, year, doc);
	return pbr_pcc_view_build(conn, o->pcc, o->from, o->to, doc);
}

static int report_view(const struct report_opts *o, int year)
{
	PGconn *conn;
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	int len = 0, code;
	char what[96];

	conn = pbr_db_connect();
	if (conn == NULL)
		return EX_UNAVAILABLE;
	pbr_render_begin();
	if (pbr_db_exec(conn, "setting up the session", "SET search_path = pg_catalog") != 0)
		code = pbr_db_failure_code(conn);
	else
		code = build_view(conn, o, year, &doc);
	PQfinish(conn);
	if (o->cy_contract)
		snprintf(what, sizeof what, "contract year %s %s", o->cy_contract, o->cy_year);
	else
		snprintf(what, sizeof what, "PCC view %s %s..%s", o->pcc, o->from, o->to);
	if (code == 0)
		code = pbr_render_transform(what, doc, o->cy_contract ? "contract-year" : "pcc",
					    o->format, NULL, &text, &len);
	if (code == 0)
		code = pbr_render_write(o->out, text, len);
	pbr_render_end();
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (a == NULL || b == NULL)
		return 0;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0
	       && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	int code, year = 0;

	code = parse_args(argc, argv, &o);
	if (code == -1)
		return 0;
	if (code != 0)
		return code;
	if (o.cy_contract)
		return (code = check_contract_year(&o, &year)) != 0 ? code : report_view(&o, year);
	if (o.index)
		return pbr_report_index(o.index, o.format, o.out, o.cert);
	if (o.pcc || o.from || o.to)
		return (code = check_pcc(&o)) != 0 ? code : report_view(&o, 0);
	if (same_file(o.input, o.out))
		return pbr_error(EX_USAGE, "report: --out %s is the statement itself; "
				 "choose another file", o.out);
	return pbr_render_statement_file(o.input, o.format, o.out, o.cert);
}
