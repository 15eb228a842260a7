/*
 * statement.c - the statement's XML, streamed with libxml2's xmlTextWriter.
 */
#include "statement.h"
#include "util.h"

#include <inttypes.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS "urn:pbr-settle:statement:1"

void pbr_statement_free(struct pbr_statement *s)
{
	free(s->reason);
	free(s->provider_id);
	free(s->provider_name);
	free(s->contract_id);
	free(s->cpa_code);
	free(s->tariff.version);
	free(s->tariff.description);
	for (size_t i = 0; i < s->n_areas; i++)
		free(s->areas[i].name);
	free(s->areas);
	memset(s, 0, sizeof *s);
}

/* Every writer call returns < 0 on failure; one flag collects them. */
struct w {
	xmlTextWriterPtr x;
	int bad;
};

static void start(struct w *w, const char *name)
{
	if (xmlTextWriterStartElement(w->x, BAD_CAST name) < 0)
		w->bad = 1;
}

static void end(struct w *w)
{
	if (xmlTextWriterEndElement(w->x) < 0)
		w->bad = 1;
}

static void attr(struct w *w, const char *name, const char *value)
{
	if (xmlTextWriterWriteAttribute(w->x, BAD_CAST name, BAD_CAST value) < 0)
		w->bad = 1;
}

static void attr_int(struct w *w, const char *name, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	attr(w, name, buf);
}

static void text(struct w *w, const char *name, const char *value)
{
	if (xmlTextWriterWriteElement(w->x, BAD_CAST name, BAD_CAST value) < 0)
		w->bad = 1;
}

static void num(struct w *w, const char *name, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	text(w, name, buf);
}

static void num128(struct w *w, const char *name, __int128 v)
{
	char buf[PBR_I128_BUF];

	pbr_i128_format(v, buf);
	text(w, name, buf);
}

static void flag(struct w *w, const char *name, bool v)
{
	text(w, name, v ? "true" : "false");
}

static void sums(struct w *w, const struct pbr_sums *s)
{
	num(w, "Members", s->n);
}

/* W, Eb, Ab, B, Ef, Af, F. */
static void sums_after_members(struct w *w, const struct pbr_sums *s)
{
	num(w, "WeightedSize", s->W);
	num(w, "ExpectedBinary", s->Eb);
	num(w, "ActualBinary", s->Ab);
	num(w, "BinaryImprovement", pbr_sums_B(s));
	num(w, "ExpectedFrequency", s->Ef);
	num(w, "ActualFrequency", s->Af);
	num(w, "FrequencyImprovement", pbr_sums_F(s));
}

static void header(struct w *w, const struct pbr_statement *s)
{
	start(w, "Header");
	text(w, "StatementId", s->statement_id);
	text(w, "Status", s->draft ? "DRAFT" : "FINAL");
	text(w, "Kind", s->restatement ? "RESTATEMENT" : "ORIGINAL");
	if (s->restatement) {
		text(w, "Supersedes", s->supersedes);
		text(w, "Reason", s->reason ? s->reason : "");
	}
	text(w, "Period", s->period);
	text(w, "CohortQuarter", s->cohort);
	start(w, "Provider");
	attr(w, "id", s->provider_id);
	if (xmlTextWriterWriteString(w->x, BAD_CAST s->provider_name) < 0)
		w->bad = 1;
	end(w);
	start(w, "Contract");
	attr(w, "id", s->contract_id);
	attr(w, "cpa", s->cpa_code);
	end(w);
	start(w, "Tariff");
	attr(w, "version", s->tariff.version);
	text(w, "Description", s->tariff.description ? s->tariff.description : "");
	num(w, "BinaryPricePence", s->tariff.terms.binary_price_pence);
	num(w, "FrequencyPricePence", s->tariff.terms.frequency_price_pence);
	num(w, "BinaryHurdlePpm", s->tariff.terms.binary_hurdle_ppm);
	num(w, "CohortCapPence", s->tariff.terms.cohort_cap_pence);
	num(w, "MaxWeightBp", s->tariff.terms.max_weight_bp);
	num(w, "MaxRejectPpm", s->tariff.terms.max_reject_ppm);
	text(w, "BinaryMode", pbr_binary_mode_name(s->tariff.terms.binary_mode));
	num(w, "SignificanceZMilli", s->tariff.terms.significance_z_milli);
	num(w, "DeductionPricePence", s->tariff.terms.deduction_price_pence);
	num(w, "DeductionCapPence", s->tariff.terms.deduction_cap_pence);
	if (s->tariff.terms.has_termination)
		num(w, "TerminationPpm", s->tariff.terms.termination_ppm);
	for (size_t i = 0; i < s->tariff.n_uplifts; i++) {
		start(w, "NeedUplift");
		attr(w, "need", s->tariff.uplifts[i].need);
		attr_int(w, "bp", s->tariff.uplifts[i].bp);
		end(w);
	}
	end(w);
	text(w, "EngineVersion", PBR_VERSION);
	start(w, "InputDigest");
	attr(w, "algorithm", "SHA-256");
	if (xmlTextWriterWriteString(w->x, BAD_CAST s->input_digest) < 0)
		w->bad = 1;
	end(w);
	start(w, "AnnexDigest");
	attr(w, "algorithm", "SHA-256");
	if (xmlTextWriterWriteString(w->x, BAD_CAST s->annex_digest) < 0)
		w->bad = 1;
	end(w);
	num(w, "RunId", s->run_id);
	text(w, "CreatedAt", s->created_at);
	end(w);
}

static void payment(struct w *w, const struct pbr_payment *p)
{
	num(w, "BinaryPence", p->binary);
	num(w, "FrequencyPence", p->frequency);
	num(w, "CapCutPence", p->cut);
}

/* SPEC 5a, after TotalPence: the mode, V, the test and its consequences. */
static void significance(struct w *w, const struct pbr_tariff *t,
			 const struct pbr_sums *s, const struct pbr_payment *p)
{
	text(w, "BinaryMode", pbr_binary_mode_name(t->binary_mode));
	num128(w, "BinaryVariance", s->V);
	flag(w, "BinarySignificant", p->significant);
	num(w, "DeductionPence", p->deduction);
	flag(w, "TerminationFlag", p->termination);
}

static void cohort(struct w *w, const struct pbr_statement *s)
{
	start(w, "Cohort");
	attr(w, "quarter", s->cohort);
	num(w, "Members", s->members);
	num(w, "Rejected", s->rejected);
	sums_after_members(w, &s->sums);
	flag(w, "BinaryHurdleMet", s->pay.hurdle_met);
	flag(w, "FrequencyGateOpen", s->pay.gate_open);
	payment(w, &s->pay);
	num(w, "TotalPence", s->pay.total);
	significance(w, &s->tariff.terms, &s->sums, &s->pay);
	for (size_t i = 0; i < s->n_areas; i++) {
		const struct pbr_area *a = &s->areas[i];

		start(w, "PccArea");
		attr(w, "code", a->code);
		attr(w, "name", a->name ? a->name : "");
		sums(w, &a->sums);
		sums_after_members(w, &a->sums);
		num128(w, "BinaryVariance", a->sums.V);
		num(w, "BinaryPence", a->binary);
		num(w, "FrequencyPence", a->frequency);
		num(w, "DeductionPence", a->deduction);
		num(w, "TotalPence", a->total);
		end(w);
	}
	for (int b = 0; b < PBR_NBANDS; b++) {
		start(w, "NeedsBand");
		attr(w, "band", pbr_band_name(b));
		sums(w, &s->bands[b]);
		sums_after_members(w, &s->bands[b]);
		num128(w, "BinaryVariance", s->bands[b].V);
		end(w);
	}
	end(w);
}

static void rejects(struct w *w, const struct pbr_statement *s)
{
	start(w, "Rejects");
	for (int r = 1; r < PBR_NSTATUS; r++) {
		start(w, "Reason");
		attr(w, "code", pbr_status_name((enum pbr_status)r));
		attr_int(w, "count", s->rejects[r]);
		end(w);
	}
	end(w);
}

static void monitor(struct w *w, const struct pbr_monitor *m)
{
	start(w, "Monitor");
	num(w, "BinaryRatePpm", m->rate_ppm);
	num(w, "BinaryRateCi95LowPpm", m->ci_low_ppm);
	num(w, "BinaryRateCi95HighPpm", m->ci_high_ppm);
	start(w, "Baseline");
	attr_int(w, "cohorts", m->cohorts);
	attr(w, "statements", m->statements);
	for (int b = 0; b < PBR_NBANDS; b++) {
		start(w, "NeedsBandShare");
		attr(w, "band", pbr_band_name(b));
		attr_int(w, "currentPpm", m->share_current[b]);
		attr_int(w, "baselinePpm", m->share_baseline[b]);
		end(w);
	}
	start(w, "MeanPredictedBinary");
	attr_int(w, "currentPpm", m->risk_current);
	attr_int(w, "baselinePpm", m->risk_baseline);
	end(w);
	end(w);
	for (int t = 0; t < PBR_NTHRESHOLDS; t++) {
		start(w, "Threshold");
		attr(w, "name", pbr_threshold_names[t]);
		attr_int(w, "ppm", m->threshold[t]);
		end(w);
	}
	for (int f = 0; f < m->nflags; f++) {
		start(w, "Flag");
		attr(w, "code", m->flag[f]);
		if (xmlTextWriterWriteString(w->x, BAD_CAST m->flag_text[f]) < 0)
			w->bad = 1;
		end(w);
	}
	end(w);
}

static void recon(struct w *w, const struct pbr_recon *r)
{
	start(w, "AnnualReconciliation");
	attr_int(w, "year", r->year);
	num(w, "Cohorts", r->cohorts);
	sums(w, &r->sums);
	sums_after_members(w, &r->sums);
	num128(w, "BinaryVariance", r->sums.V);
	flag(w, "BinaryHurdleMet", r->pay.hurdle_met);
	flag(w, "FrequencyGateOpen", r->pay.gate_open);
	flag(w, "BinarySignificant", r->pay.significant);
	num(w, "CapPence", r->cap);
	payment(w, &r->pay);
	num(w, "DeductionCapPence", r->deduction_cap);
	num(w, "DeductionPence", r->pay.deduction);
	flag(w, "TerminationFlag", r->pay.termination);
	num(w, "EntitlementPence", r->pay.total);
	num(w, "PreviouslyPaidPence", r->previously_paid);
	num(w, "TrueUpPence", r->true_up);
	if (r->has_terms) {     /* SPEC 11: the December statement's figures */
		num(w, "FfsYearPence", r->ffs_year);
		num(w, "MapPence", r->map);
		num(w, "PbrPotPence", r->pbr_pot);
	}
	end(w);
}

int pbr_statement_xml(const struct pbr_statement *s, char **out, size_t *len)
{
	xmlBufferPtr buf = xmlBufferCreate();
	struct w w = { NULL, 0 };
	int rc = -1;

	if (buf == NULL)
		return -1;
	w.x = xmlNewTextWriterMemory(buf, 0);
	if (w.x == NULL)
		goto cleanup;
	if (xmlTextWriterSetIndent(w.x, 1) < 0 ||
	    xmlTextWriterSetIndentString(w.x, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(w.x, "1.0", "UTF-8", NULL) < 0)
		goto cleanup;
	start(&w, "SettlementStatement");
	attr(&w, "xmlns", NS);
	header(&w, s);
	cohort(&w, s);
	rejects(&w, s);
	monitor(&w, &s->monitor);
	if (s->recon.present)
		recon(&w, &s->recon);
	start(&w, "Summary");
	num(&w, "PeriodDuePence", s->period_due);
	num(&w, "AdvanceNettedPence", s->advance_netted);
	num(&w, "AmountDuePence", s->amount_due);
	if (s->has_previous_total) {
		num(&w, "PreviousTotalPence", s->previous_total);
		num(&w, "PreviousPeriodDuePence", s->previous_period_due);
	}
	end(&w);
	end(&w);
	if (w.bad || xmlTextWriterEndDocument(w.x) < 0)
		goto cleanup;
	xmlFreeTextWriter(w.x);
	w.x = NULL;
	*len = (size_t)xmlBufferLength(buf);
	*out = malloc(*len + 1);
	if (*out == NULL)
		goto cleanup;
	memcpy(*out, xmlBufferContent(buf), *len);
	(*out)[*len] = '\0';
	rc = 0;
cleanup:
	if (w.x)
		xmlFreeTextWriter(w.x);
	xmlBufferFree(buf);
	return rc;
}
