<?xml version="1.0" encoding="UTF-8"?>
<!--
  monthly-html.xsl - a monthly fee-for-service statement (SPEC 11.5,
  schemas/monthly.xsd) as one self-contained HTML5 page: inline CSS, no
  script, no external resource.  XSLT 1.0, no extension functions.

  What is paid (AmountDuePence) and how the month gets there (SPEC 11.3):
  the instalment of the discounted annual price, less service credits
  after the cap, plus the advance, plus the December volume adjustment;
  the month's volumes; every KPI with its status, credit and waiver; the
  December reconciliation against the Maximum Annual Payment.  Money:
  integer pence as pounds by string operations only.

  Parameter signature_status: what the caller found checking ds:Signature.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:s="urn:pbr-settle:statement:1"
                xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
                exclude-result-prefixes="s ds">

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:param name="signature_status" select="'not checked'"/>

  <xsl:variable name="st" select="/s:MonthlyStatement"/>
  <xsl:variable name="h" select="$st/s:Header"/>
  <xsl:variable name="t" select="$h/s:Terms"/>
  <xsl:variable name="fee" select="$st/s:FeeForService"/>
  <xsl:variable name="sc" select="$st/s:ServiceCredits"/>
  <xsl:variable name="vr" select="$st/s:VolumeReconciliation"/>
  <xsl:variable name="sum" select="$st/s:Summary"/>

  <xsl:template match="/">
    <xsl:if test="not($st)">
      <xsl:message terminate="yes">not a monthly statement (root element must be MonthlyStatement in namespace urn:pbr-settle:statement:1)</xsl:message>
    </xsl:if>
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en-GB">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="pbr-settle monthly-html.xsl"/>
        <title>Monthly statement <xsl:value-of select="$h/s:StatementId"/></title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <header class="masthead">
          <p class="kicker">Fee-for-service monthly statement</p>
          <h1>Monthly statement <xsl:value-of select="$h/s:StatementId"/></h1>
          <xsl:if test="number($fee/s:FfsPence) - number($sc/s:CreditPence) + number($st/s:AdvancePence) + sum($vr/s:AdjustmentPence) != number($sum/s:PeriodDuePence)">
            <p class="banner draft" role="alert"><strong>INCONSISTENT</strong> — the instalment, credits,
              advance and adjustment do not add up to the period due. Do not rely on this statement;
              run <code>pbr-settle verify</code>.</p>
          </xsl:if>
          <xsl:if test="$h/s:Status = 'DRAFT'">
            <p class="banner draft"><strong>DRAFT</strong> — dry run, not recorded in the ledger and
              not a basis for payment.</p>
          </xsl:if>
          <xsl:if test="$h/s:Kind = 'RESTATEMENT'">
            <p class="banner restated"><strong>RESTATEMENT</strong> of <xsl:value-of select="$h/s:Supersedes"/>
              <xsl:if test="normalize-space($h/s:Reason) != ''"> — reason: <q><xsl:value-of select="$h/s:Reason"/></q></xsl:if></p>
          </xsl:if>
        </header>
        <main>
          <section id="payment" aria-labelledby="payment-h">
            <h2 id="payment-h">Payment for <xsl:value-of select="$h/s:Month"/></h2>
            <p class="headline">Amount due: <strong class="amount-due"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:AmountDuePence"/></xsl:call-template></strong>
              <xsl:if test="starts-with(normalize-space($sum/s:AmountDuePence), '-')"><span class="muted"> (negative: owed back by the provider)</span></xsl:if></p>
            <table class="narrow money">
              <caption>How the month's payment is made up, in pounds</caption>
              <thead><tr><th scope="col">Item</th><th scope="col" class="num">Amount</th></tr></thead>
              <tbody>
                <tr><th scope="row">Fee for service: instalment <xsl:value-of select="$fee/s:MonthIndex"/> of 12 of the discounted annual price</th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$fee/s:FfsPence"/></xsl:call-template></td></tr>
                <tr><th scope="row">Less: service credits for missed service levels (after the cap)</th>
                  <td class="num"><xsl:call-template name="neg-pounds"><xsl:with-param name="p" select="$sc/s:CreditPence"/></xsl:call-template></td></tr>
                <tr><th scope="row">Advance against expected results (recovered from the PbR statement of the cohort)</th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$st/s:AdvancePence"/></xsl:call-template></td></tr>
                <xsl:if test="$vr">
                  <tr><th scope="row">Year-end volume adjustment <xsl:value-of select="$vr/@year"/> (<xsl:value-of select="$vr/s:Position"/> the tolerance band)</th>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$vr/s:AdjustmentPence"/></xsl:call-template></td></tr>
                </xsl:if>
                <tr class="total"><th scope="row">Period due</th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:PeriodDuePence"/></xsl:call-template></td></tr>
                <xsl:if test="$sum/s:PreviousPeriodDuePence">
                  <tr><th scope="row">Less: period due of the superseded statement <xsl:value-of select="$h/s:Supersedes"/> (already paid)</th>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:PreviousPeriodDuePence"/></xsl:call-template></td></tr>
                </xsl:if>
                <tr class="grand"><th scope="row">Amount due</th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:AmountDuePence"/></xsl:call-template></td></tr>
              </tbody>
            </table>
            <p class="note">Annual price <xsl:call-template name="pounds"><xsl:with-param name="p" select="$fee/s:AnnualPricePence"/></xsl:call-template>,
              less a learning-curve discount of <xsl:call-template name="pounds"><xsl:with-param name="p" select="$fee/s:LearningCurveDiscountPence"/></xsl:call-template>:
              <xsl:call-template name="pounds"><xsl:with-param name="p" select="$fee/s:DiscountedAnnualPricePence"/></xsl:call-template>
              a year, paid in twelve instalments that sum to it exactly.</p>
          </section>

          <section id="credits" aria-labelledby="credits-h">
            <h2 id="credits-h">Service levels and credits</h2>
            <table>
              <caption>Every service level of the contract year, in KPI code order</caption>
              <thead>
                <tr><th scope="col">KPI</th><th scope="col" class="num">Achieved</th><th scope="col" class="num">Target</th>
                  <th scope="col">Status</th><th scope="col" class="num">Credit</th><th scope="col">Waiver</th></tr>
              </thead>
              <tbody>
                <xsl:for-each select="$sc/s:Kpi">
                  <tr>
                    <th scope="row"><code><xsl:value-of select="@code"/></code></th>
                    <td class="num"><xsl:choose>
                      <xsl:when test="s:Denominator and number(s:Denominator) &gt; 0"><xsl:value-of select="s:Numerator"/> / <xsl:value-of select="s:Denominator"/>
                        (<xsl:value-of select="format-number(number(s:Numerator) * 100 div number(s:Denominator), '0.0')"/>%)</xsl:when>
                      <xsl:when test="s:Denominator">0 / 0 (met: nothing to measure)</xsl:when>
                      <xsl:otherwise>no return</xsl:otherwise></xsl:choose></td>
                    <td class="num"><xsl:value-of select="format-number(number(s:TargetPpm) div 10000, '0.0###')"/>%</td>
                    <td><xsl:attribute name="class">status-<xsl:value-of select="translate(s:Status, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_', 'abcdefghijklmnopqrstuvwxyz-')"/></xsl:attribute>
                      <xsl:value-of select="translate(s:Status, '_', ' ')"/></td>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="s:CreditPence"/></xsl:call-template></td>
                    <td><xsl:if test="s:Waiver">approved by <xsl:value-of select="s:Waiver/@approvedBy"/>: <q><xsl:value-of select="s:Waiver"/></q></xsl:if></td>
                  </tr>
                </xsl:for-each>
              </tbody>
              <tfoot>
                <tr><th scope="row" colspan="4">Accrued</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sc/s:AccruedPence"/></xsl:call-template></td><td></td></tr>
                <tr><th scope="row" colspan="4">Cap (<xsl:value-of select="format-number(number($t/s:CreditCapPpm) div 10000, '0.0###')"/>% of the instalment)</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sc/s:CapPence"/></xsl:call-template></td><td></td></tr>
                <tr><th scope="row" colspan="4">Cut by the cap</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sc/s:CapCutPence"/></xsl:call-template></td><td></td></tr>
                <tr class="grand"><th scope="row" colspan="4">Service credit this month</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sc/s:CreditPence"/></xsl:call-template></td><td></td></tr>
              </tfoot>
            </table>
            <p class="note">A breached or unreported KPI accrues its credit unless waived; a waiver is
              shown with who approved it and why, so that no credit disappears without a trail.</p>
          </section>

          <section id="volumes" aria-labelledby="volumes-h">
            <h2 id="volumes-h">Case volumes this month</h2>
            <table class="narrow">
              <caption>Cases by band, weighted (shown, not paid on: the year-end reconciliation uses them)</caption>
              <thead><tr><th scope="col">Band</th><th scope="col" class="num">Cases</th><th scope="col" class="num">Weight</th><th scope="col" class="num">Weighted volume</th></tr></thead>
              <tbody>
                <xsl:for-each select="$st/s:Volumes/s:Band">
                  <tr><th scope="row"><code><xsl:value-of select="@code"/></code></th>
                    <td class="num"><xsl:value-of select="format-number(number(s:Cases), '#,##0')"/></td>
                    <td class="num"><xsl:value-of select="format-number(number(s:WeightMilli) div 1000, '0.000')"/></td>
                    <td class="num"><xsl:value-of select="format-number(number(s:VolumeMilli) div 1000, '#,##0.000')"/></td></tr>
                </xsl:for-each>
              </tbody>
              <tfoot><tr><th scope="row" colspan="3">Month</th><td class="num"><xsl:value-of select="format-number(number($st/s:Volumes/s:MonthVolumeMilli) div 1000, '#,##0.000')"/></td></tr></tfoot>
            </table>
          </section>

          <xsl:if test="$vr">
            <section id="year-end" aria-labelledby="year-end-h">
              <h2 id="year-end-h">Year-end volume reconciliation <xsl:value-of select="$vr/@year"/> and the Maximum Annual Payment</h2>
              <table class="narrow money">
                <caption>The year's weighted volume against the prediction, in pounds</caption>
                <tbody>
                  <tr><th scope="row">Predicted weighted volume</th><td class="num"><xsl:value-of select="format-number(number($vr/s:PredictedMilli) div 1000, '#,##0.000')"/></td></tr>
                  <tr><th scope="row">Actual weighted volume (the twelve months' returns)</th><td class="num"><xsl:value-of select="format-number(number($vr/s:ActualMilli) div 1000, '#,##0.000')"/>
                    <span class="muted"> (<xsl:value-of select="format-number((number($vr/s:ActualMilli) - number($vr/s:PredictedMilli)) * 100 div number($vr/s:PredictedMilli), '+0.0;-0.0')"/>%)</span></td></tr>
                  <tr><th scope="row">Tolerance band</th><td class="num">−<xsl:value-of select="format-number(number($t/s:BandLowPpm) div 10000, '0.0###')"/>% to +<xsl:value-of select="format-number(number($t/s:BandHighPpm) div 10000, '0.0###')"/>%</td></tr>
                  <tr><th scope="row">Position</th><td class="num"><strong><xsl:value-of select="$vr/s:Position"/></strong></td></tr>
                  <tr><th scope="row">Adjustment</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$vr/s:AdjustmentPence"/></xsl:call-template></td></tr>
                  <tr class="total"><th scope="row">Fee for service for the year (discounted price + adjustment)</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$vr/s:FfsYearPence"/></xsl:call-template></td></tr>
                  <tr><th scope="row">Maximum Annual Payment</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$vr/s:MapPence"/></xsl:call-template></td></tr>
                  <tr class="grand"><th scope="row">PbR pot: the most the year's cohorts can earn</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$vr/s:PbrPotPence"/></xsl:call-template></td></tr>
                </tbody>
              </table>
            </section>
          </xsl:if>

          <section id="statement" aria-labelledby="statement-h">
            <h2 id="statement-h">Statement and terms</h2>
            <dl class="facts">
              <dt>Statement</dt><dd><xsl:value-of select="$h/s:StatementId"/> (<xsl:value-of select="$h/s:Status"/> / <xsl:value-of select="$h/s:Kind"/>)</dd>
              <dt>Contract</dt><dd><xsl:value-of select="$h/s:Contract/@id"/> <span class="muted"> (CPA <xsl:value-of select="$h/s:Contract/@cpa"/>)</span></dd>
              <dt>Provider</dt><dd><xsl:value-of select="$h/s:Provider"/> <span class="muted"> (<xsl:value-of select="$h/s:Provider/@id"/>)</span></dd>
              <dt>Month</dt><dd><xsl:value-of select="$h/s:Month"/> (contract year <xsl:value-of select="$h/s:ContractYear"/>)</dd>
              <dt>Run id</dt><dd><xsl:value-of select="$h/s:RunId"/></dd>
              <dt>Created at</dt><dd><xsl:value-of select="translate($h/s:CreatedAt, 'T', ' ')"/></dd>
              <dt>Engine version</dt><dd><xsl:value-of select="$h/s:EngineVersion"/></dd>
            </dl>
            <table class="narrow">
              <caption>Terms of the contract year <xsl:value-of select="$h/s:ContractYear"/></caption>
              <tbody>
                <tr><th scope="row">Annual price</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/s:AnnualPricePence"/></xsl:call-template></td></tr>
                <tr><th scope="row">Learning-curve discount</th><td class="num"><xsl:value-of select="format-number(number($t/s:LearningCurvePpm) div 10000, '0.0###')"/>%</td></tr>
                <tr><th scope="row">Predicted weighted volume</th><td class="num"><xsl:value-of select="format-number(number($t/s:PredictedVolumeMilli) div 1000, '#,##0.000')"/></td></tr>
                <tr><th scope="row">Paid for volume below / above the band</th><td class="num"><xsl:value-of select="format-number(number($t/s:AdjustBelowPpm) div 10000, '0.0###')"/>% / <xsl:value-of select="format-number(number($t/s:AdjustAbovePpm) div 10000, '0.0###')"/>% of the unit price</td></tr>
                <tr><th scope="row">Service credit cap</th><td class="num"><xsl:value-of select="format-number(number($t/s:CreditCapPpm) div 10000, '0.0###')"/>% of the instalment</td></tr>
                <tr><th scope="row">Advance per month</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/s:AdvancePencePerMonth"/></xsl:call-template></td></tr>
                <tr><th scope="row">Maximum Annual Payment</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/s:MapPence"/></xsl:call-template></td></tr>
              </tbody>
            </table>
          </section>

          <section id="integrity" aria-labelledby="integrity-h">
            <h2 id="integrity-h">Signature and digests</h2>
            <table class="narrow">
              <caption>Integrity of this statement</caption>
              <tbody>
                <tr><th scope="row">Input digest (<xsl:value-of select="$h/s:InputDigest/@algorithm"/>, the month's returns)</th><td><code class="digest"><xsl:value-of select="$h/s:InputDigest"/></code></td></tr>
                <tr><th scope="row">Annex digest (<code><xsl:value-of select="$h/s:StatementId"/>-annex.csv</code>)</th><td><code class="digest"><xsl:value-of select="$h/s:AnnexDigest"/></code></td></tr>
                <tr><th scope="row">Signature check</th><td><strong><xsl:value-of select="$signature_status"/></strong></td></tr>
              </tbody>
            </table>
          </section>
        </main>
        <footer>
          <p>Generated from <code><xsl:value-of select="$h/s:StatementId"/>.xml</code> (engine <xsl:value-of select="$h/s:EngineVersion"/>).
            All money is computed in whole pence by the engine. The XML statement, not this page, is the record.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- pence shown as a subtraction: 9000 -> -£90.00, 0 -> £0.00 -->
  <xsl:template name="neg-pounds">
    <xsl:param name="p"/>
    <xsl:choose>
      <xsl:when test="translate(normalize-space($p), '0', '') = ''"><xsl:call-template name="pounds"><xsl:with-param name="p" select="'0'"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:call-template name="pounds"><xsl:with-param name="p" select="concat('-', normalize-space($p))"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Integer pence as pounds, -£1,234.56, by string operations only (no
       XPath number, so exact at any size): the sign, the digits grouped in
       threes, the last two after the point.  Anything that is not an
       integer is shown as ?text, marked bad. -->
  <xsl:template name="pounds">
    <xsl:param name="p"/>
    <xsl:variable name="s" select="normalize-space($p)"/>
    <xsl:variable name="neg" select="starts-with($s, '-')"/>
    <xsl:variable name="digits">
      <xsl:choose>
        <xsl:when test="$neg"><xsl:value-of select="substring($s, 2)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$digits = '' or translate($digits, '0123456789', '') != ''">
        <span class="bad">?<xsl:value-of select="$p"/></span>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="padded" select="concat(substring('00', string-length($digits)), $digits)"/>
        <xsl:variable name="len" select="string-length($padded)"/>
        <xsl:if test="$neg and translate($digits, '0', '') != ''">-</xsl:if>
        <xsl:text>£</xsl:text>
        <xsl:call-template name="group3">
          <xsl:with-param name="d" select="substring($padded, 1, $len - 2)"/>
        </xsl:call-template>
        <xsl:text>.</xsl:text>
        <xsl:value-of select="substring($padded, $len - 1)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A digit string with leading zeros dropped (one kept) and commas
       between groups of three: 0001234567 -> 1,234,567. -->
  <xsl:template name="group3">
    <xsl:param name="d"/>
    <xsl:choose>
      <xsl:when test="string-length($d) &gt; 1 and starts-with($d, '0')">
        <xsl:call-template name="group3"><xsl:with-param name="d" select="substring($d, 2)"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="string-length($d) &gt; 3">
        <xsl:call-template name="group3"><xsl:with-param name="d" select="substring($d, 1, string-length($d) - 3)"/></xsl:call-template>
        <xsl:text>,</xsl:text>
        <xsl:value-of select="substring($d, string-length($d) - 2)"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$d"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="css">
    <xsl:text>
:root { --ink: #1b1b1b; --muted: #595959; --rule: #c8c8c8; --band: #f3f5f7;
        --exp: #9db4cc; --act: #17457a; --warn: #8a1c1c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 80rem; padding: 1.5rem 1.25rem 3rem;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0.1rem 0 0.6rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem;
     border-bottom: 2px solid var(--ink); }
.kicker { margin: 0; color: var(--muted); text-transform: uppercase;
          letter-spacing: 0.06em; font-size: 0.8rem; }
.banner { padding: 0.5rem 0.75rem; margin: 0.4rem 0; border-left: 6px solid; }
.banner.draft { border-color: var(--warn); background: #fbeaea; color: var(--warn); }
.banner.restated { border-color: #8a5a00; background: #fff4de; }
.muted { color: var(--muted); }
.note { color: var(--muted); max-width: 60rem; }
.headline { font-size: 1.15rem; }
.bad { color: var(--warn); font-weight: bold; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
table.narrow { min-width: 28rem; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0 0.4rem; }
th, td { padding: 0.3rem 0.45rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); text-align: left; font-size: 0.85rem; }
tbody th { text-align: left; font-weight: normal; }
tbody tr:nth-child(even) { background: var(--band); }
tfoot th, tfoot td, tr.total th, tr.total td { font-weight: 600; }
tfoot tr { border-top: 2px solid var(--ink); }
tr.grand th, tr.grand td { font-weight: 700; border-top: 2px solid var(--ink);
                           border-bottom: 3px double var(--ink); }
.num { text-align: right; white-space: nowrap; }
thead th.num { text-align: right; white-space: normal; }
thead th { vertical-align: bottom; max-width: 9rem; }
tbody th, tfoot th { white-space: nowrap; text-align: left; }
th.name { white-space: normal; max-width: 15rem; }
th.name .code { color: var(--muted); white-space: nowrap; }
table.wide { font-size: 0.93rem; }
table.wide th, table.wide td { padding: 0.3rem 0.35rem; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
code.digest { word-break: break-all; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.pair figure { margin: 0; flex: 0 1 auto; }
.pair .scroll { flex: 1 1 100%; max-width: 100%; }
.pair.side figure { max-width: 30rem; }
.pair.side .scroll { flex: 0 1 auto; }
figcaption { color: var(--muted); font-size: 0.85rem; max-width: 40rem; }
.scroll { overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg .bar-e { fill: var(--exp); }
svg .bar-a { fill: var(--act); }
svg .grid { stroke: var(--rule); stroke-width: 1; }
svg .label, svg .legend { font-size: 13px; fill: var(--ink); }
svg .value, svg .tick { font-size: 11px; fill: var(--muted); }
table.audit { font-size: 0.8rem; }
.banner.flagged { border-color: var(--warn); background: #fbeaea; }
.flags { border: 2px solid var(--warn); border-left-width: 8px; background: #fbeaea;
         padding: 0.6rem 0.9rem; margin: 0.6rem 0 1rem; max-width: 60rem; }
.flags h3 { margin: 0 0 0.4rem; font-size: 1.05rem; color: var(--warn); }
.flags ul { margin: 0; padding-left: 1.2rem; }
.flags li { margin: 0.3rem 0; }
.flags .what { display: block; color: var(--muted); font-size: 0.9rem; }
.noflags { border-left: 6px solid #2e6b30; background: #eaf4ea; padding: 0.5rem 0.75rem;
           margin: 0.6rem 0 1rem; max-width: 60rem; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 0.4rem; }
.over { color: var(--warn); font-weight: 700; }
.sig { font-size: 1.05rem; max-width: 60rem; }
.verdict { border-left: 6px solid var(--act); background: var(--band); padding: 0.3rem 0.9rem; margin: 0.6rem 0 1rem; max-width: 60rem; }
.verdict p { margin: 0.4rem 0; }
svg .bar-base { fill: var(--exp); }
svg .bar-cur { fill: var(--act); }
td.status-breached, td.status-not-reported { color: var(--warn); font-weight: 600; }
td.status-waived { color: #8a5a00; font-weight: 600; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: 0.85rem;
         border-top: 1px solid var(--rule); padding-top: 0.6rem; }
@media (max-width: 62rem) {
  body { padding: 1rem 0.6rem 2rem; }
  table { font-size: 0.82rem; }
  th, td { padding: 0.22rem 0.28rem; }
  table.narrow { min-width: 0; }
  table.audit { font-size: 0.66rem; }
  table.audit th, table.audit td { padding: 0.15rem 0.18rem; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section, table, figure, tr { break-inside: avoid; page-break-inside: avoid; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  table.audit { font-size: 6.5pt; }
  th, td { padding: 0.2rem 0.35rem; }
  tbody tr:nth-child(even) { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .banner { border-width: 4px; }
}
</xsl:text>
  </xsl:template>

</xsl:stylesheet>
