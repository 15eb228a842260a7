/*
 * statement.c - the statement's XML, streamed with libxml2's xmlTextWriter.
 */
#include "statement.h"
#include "util.h"
#include "xmlw.h"

#include <inttypes.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void sums(struct pbr_xw *w, const struct pbr_sums *s)
{
	pbr_xw_num(w, "Members", s->n);
}

/* W, Eb, Ab, B, Ef, Af, F. */
static void sums_after_members(struct pbr_xw *w, const struct pbr_sums *s)
{
	pbr_xw_num(w, "WeightedSize", s->W);
	pbr_xw_num(w, "ExpectedBinary", s->Eb);
	pbr_xw_num(w, "ActualBinary", s->Ab);
	pbr_xw_num(w, "BinaryImprovement", pbr_sums_B(s));
	pbr_xw_num(w, "ExpectedFrequency", s->Ef);
	pbr_xw_num(w, "ActualFrequency", s->Af);
	pbr_xw_num(w, "FrequencyImprovement", pbr_sums_F(s));
}

static void header(struct pbr_xw *w, const struct pbr_statement *s)
{
	pbr_xw_start(w, "Header");
	pbr_xw_text(w, "StatementId", s->statement_id);
	pbr_xw_text(w, "Status", s->draft ? "DRAFT" : "FINAL");
	pbr_xw_text(w, "Kind", s->restatement ? "RESTATEMENT" : "ORIGINAL");
	if (s->restatement) {
		pbr_xw_text(w, "Supersedes", s->supersedes);
		pbr_xw_text(w, "Reason", s->reason ? s->reason : "");
	}
	pbr_xw_text(w, "Period", s->period);
	pbr_xw_text(w, "CohortQuarter", s->cohort);
	pbr_xw_start(w, "Provider");
	pbr_xw_attr(w, "id", s->provider_id);
	pbr_xw_content(w, s->provider_name);
	pbr_xw_end(w);
	pbr_xw_start(w, "Contract");
	pbr_xw_attr(w, "id", s->contract_id);
	pbr_xw_attr(w, "cpa", s->cpa_code);
	pbr_xw_end(w);
	pbr_xw_start(w, "Tariff");
	pbr_xw_attr(w, "version", s->tariff.version);
	pbr_xw_text(w, "Description", s->tariff.description ? s->tariff.description : "");
	pbr_xw_num(w, "BinaryPricePence", s->tariff.terms.binary_price_pence);
	pbr_xw_num(w, "FrequencyPricePence", s->tariff.terms.frequency_price_pence);
	pbr_xw_num(w, "BinaryHurdlePpm", s->tariff.terms.binary_hurdle_ppm);
	pbr_xw_num(w, "CohortCapPence", s->tariff.terms.cohort_cap_pence);
	pbr_xw_num(w, "MaxWeightBp", s->tariff.terms.max_weight_bp);
	pbr_xw_num(w, "MaxRejectPpm", s->tariff.terms.max_reject_ppm);
	pbr_xw_text(w, "BinaryMode", pbr_binary_mode_name(s->tariff.terms.binary_mode));
	pbr_xw_num(w, "SignificanceZMilli", s->tariff.terms.significance_z_milli);
	pbr_xw_num(w, "DeductionPricePence", s->tariff.terms.deduction_price_pence);
	pbr_xw_num(w, "DeductionCapPence", s->tariff.terms.deduction_cap_pence);
	if (s->tariff.terms.has_termination)
		pbr_xw_num(w, "TerminationPpm", s->tariff.terms.termination_ppm);
	for (size_t i = 0; i < s->tariff.n_uplifts; i++) {
		pbr_xw_start(w, "NeedUplift");
		pbr_xw_attr(w, "need", s->tariff.uplifts[i].need);
		pbr_xw_attr_int(w, "bp", s->tariff.uplifts[i].bp);
		pbr_xw_end(w);
	}
	pbr_xw_end(w);
	pbr_xw_text(w, "EngineVersion", PBR_VERSION);
	pbr_xw_digest(w, "InputDigest", s->input_digest);
	pbr_xw_digest(w, "AnnexDigest", s->annex_digest);
	pbr_xw_num(w, "RunId", s->run_id);
	pbr_xw_text(w, "CreatedAt", s->created_at);
	pbr_xw_end(w);
}

static void payment(struct pbr_xw *w, const struct pbr_payment *p)
{
	pbr_xw_num(w, "BinaryPence", p->binary);
	pbr_xw_num(w, "FrequencyPence", p->frequency);
	pbr_xw_num(w, "CapCutPence", p->cut);
}

/* SPEC 5a, after TotalPence: the mode, V, the test and its consequences. */
static void significance(struct pbr_xw *w, const struct pbr_tariff *t,
			 const struct pbr_sums *s, const struct pbr_payment *p)
{
	pbr_xw_text(w, "BinaryMode", pbr_binary_mode_name(t->binary_mode));
	pbr_xw_num128(w, "BinaryVariance", s->V);
	pbr_xw_flag(w, "BinarySignificant", p->significant);
	pbr_xw_num(w, "DeductionPence", p->deduction);
	pbr_xw_flag(w, "TerminationFlag", p->termination);
}

static void cohort(struct pbr_xw *w, const struct pbr_statement *s)
{
	pbr_xw_start(w, "Cohort");
	pbr_xw_attr(w, "quarter", s->cohort);
	pbr_xw_num(w, "Members", s->members);
	pbr_xw_num(w, "Rejected", s->rejected);
	sums_after_members(w, &s->sums);
	pbr_xw_flag(w, "BinaryHurdleMet", s->pay.hurdle_met);
	pbr_xw_flag(w, "FrequencyGateOpen", s->pay.gate_open);
	payment(w, &s->pay);
	pbr_xw_num(w, "TotalPence", s->pay.total);
	significance(w, &s->tariff.terms, &s->sums, &s->pay);
	for (size_t i = 0; i < s->n_areas; i++) {
		const struct pbr_area *a = &s->areas[i];

		pbr_xw_start(w, "PccArea");
		pbr_xw_attr(w, "code", a->code);
		pbr_xw_attr(w, "name", a->name ? a->name : "");
		sums(w, &a->sums);
		sums_after_members(w, &a->sums);
		pbr_xw_num128(w, "BinaryVariance", a->sums.V);
		pbr_xw_num(w, "BinaryPence", a->binary);
		pbr_xw_num(w, "FrequencyPence", a->frequency);
		pbr_xw_num(w, "DeductionPence", a->deduction);
		pbr_xw_num(w, "TotalPence", a->total);
		pbr_xw_end(w);
	}
	for (int b = 0; b < PBR_NBANDS; b++) {
		pbr_xw_start(w, "NeedsBand");
		pbr_xw_attr(w, "band", pbr_band_name(b));
		sums(w, &s->bands[b]);
		sums_after_members(w, &s->bands[b]);
		pbr_xw_num128(w, "BinaryVariance", s->bands[b].V);
		pbr_xw_end(w);
	}
	pbr_xw_end(w);
}

static void rejects(struct pbr_xw *w, const struct pbr_statement *s)
{
	pbr_xw_start(w, "Rejects");
	for (int r = 1; r < PBR_NSTATUS; r++) {
		pbr_xw_start(w, "Reason");
		pbr_xw_attr(w, "code", pbr_status_name((enum pbr_status)r));
		pbr_xw_attr_int(w, "count", s->rejects[r]);
		pbr_xw_end(w);
	}
	pbr_xw_end(w);
}

static void monitor(struct pbr_xw *w, const struct pbr_monitor *m)
{
	pbr_xw_start(w, "Monitor");
	pbr_xw_num(w, "BinaryRatePpm", m->rate_ppm);
	pbr_xw_num(w, "BinaryRateCi95LowPpm", m->ci_low_ppm);
	pbr_xw_num(w, "BinaryRateCi95HighPpm", m->ci_high_ppm);
	pbr_xw_start(w, "Baseline");
	pbr_xw_attr_int(w, "cohorts", m->cohorts);
	pbr_xw_attr(w, "statements", m->statements);
	for (int b = 0; b < PBR_NBANDS; b++) {
		pbr_xw_start(w, "NeedsBandShare");
		pbr_xw_attr(w, "band", pbr_band_name(b));
		pbr_xw_attr_int(w, "currentPpm", m->share_current[b]);
		pbr_xw_attr_int(w, "baselinePpm", m->share_baseline[b]);
		pbr_xw_end(w);
	}
	pbr_xw_start(w, "MeanPredictedBinary");
	pbr_xw_attr_int(w, "currentPpm", m->risk_current);
	pbr_xw_attr_int(w, "baselinePpm", m->risk_baseline);
	pbr_xw_end(w);
	pbr_xw_end(w);
	for (int t = 0; t < PBR_NTHRESHOLDS; t++) {
		pbr_xw_start(w, "Threshold");
		pbr_xw_attr(w, "name", pbr_threshold_names[t]);
		pbr_xw_attr_int(w, "ppm", m->threshold[t]);
		pbr_xw_end(w);
	}
	for (int f = 0; f < m->nflags; f++) {
		pbr_xw_start(w, "Flag");
		pbr_xw_attr(w, "code", m->flag[f]);
		pbr_xw_content(w, m->flag_text[f]);
		pbr_xw_end(w);
	}
	pbr_xw_end(w);
}

static void recon(struct pbr_xw *w, const struct pbr_recon *r)
{
	pbr_xw_start(w, "AnnualReconciliation");
	pbr_xw_attr_int(w, "year", r->year);
	pbr_xw_num(w, "Cohorts", r->cohorts);
	sums(w, &r->sums);
	sums_after_members(w, &r->sums);
	pbr_xw_num128(w, "BinaryVariance", r->sums.V);
	pbr_xw_flag(w, "BinaryHurdleMet", r->pay.hurdle_met);
	pbr_xw_flag(w, "FrequencyGateOpen", r->pay.gate_open);
	pbr_xw_flag(w, "BinarySignificant", r->pay.significant);
	pbr_xw_num(w, "CapPence", r->cap);
	payment(w, &r->pay);
	pbr_xw_num(w, "DeductionCapPence", r->deduction_cap);
	pbr_xw_num(w, "DeductionPence", r->pay.deduction);
	pbr_xw_flag(w, "TerminationFlag", r->pay.termination);
	pbr_xw_num(w, "EntitlementPence", r->pay.total);
	pbr_xw_num(w, "PreviouslyPaidPence", r->previously_paid);
	pbr_xw_num(w, "TrueUpPence", r->true_up);
	if (r->has_terms) {     /* SPEC 11: the December statement's figures */
		pbr_xw_num(w, "FfsYearPence", r->ffs_year);
		pbr_xw_num(w, "MapPence", r->map);
		pbr_xw_num(w, "PbrPotPence", r->pbr_pot);
	}
	pbr_xw_end(w);
}

int pbr_statement_xml(const struct pbr_statement *s, char **out, size_t *len)
{
	struct pbr_xw w;

	if (pbr_xw_begin(&w, "SettlementStatement", PBR_STATEMENT_NS) != 0)
		return -1;
	header(&w, s);
	cohort(&w, s);
	rejects(&w, s);
	monitor(&w, &s->monitor);
	if (s->recon.present)
		recon(&w, &s->recon);
	pbr_xw_start(&w, "Summary");
	pbr_xw_num(&w, "PeriodDuePence", s->period_due);
	pbr_xw_num(&w, "AdvanceNettedPence", s->advance_netted);
	pbr_xw_num(&w, "AmountDuePence", s->amount_due);
	if (s->has_previous_total) {
		pbr_xw_num(&w, "PreviousTotalPence", s->previous_total);
		pbr_xw_num(&w, "PreviousPeriodDuePence", s->previous_period_due);
	}
	pbr_xw_end(&w);
	return pbr_xw_finish(&w, out, len);
}
