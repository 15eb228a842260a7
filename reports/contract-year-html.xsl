<?xml version="1.0" encoding="UTF-8"?>
<!--
  contract-year-html.xsl - the contract year (`pbr-settle report` with the
  contract-year option, format html; SPEC 11.6): the year's whole value as
  the MoJ and the provider see it, from the statements in force in the
  ledger.  One self-contained HTML5 page (inline CSS and SVG, no script).

  The input is the <ContractYear> document the engine assembles (namespace
  urn:pbr-settle:contract-year:1): the terms, twelve <Month> and four
  <Cohort> elements (settled="false" until a statement is in force: shown
  as not settled, never as 0), the December VolumeReconciliation when
  settled, and a <Total>.  Money: integer pence as pounds by string
  operations; the chart's geometry alone uses XPath numbers.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:y="urn:pbr-settle:contract-year:1"
                xmlns:svg="http://www.w3.org/2000/svg"
                exclude-result-prefixes="y svg">

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:variable name="cy" select="/y:ContractYear"/>
  <xsl:variable name="terms" select="$cy/y:Terms"/>
  <xsl:variable name="t" select="$cy/y:Total"/>
  <xsl:variable name="vr" select="$cy/y:VolumeReconciliation"/>
  <xsl:variable name="months" select="$cy/y:Month"/>
  <xsl:variable name="cohorts" select="$cy/y:Cohort"/>

  <xsl:template match="/">
    <xsl:if test="not($cy)">
      <xsl:message terminate="yes">not a contract year (root element must be ContractYear in namespace urn:pbr-settle:contract-year:1)</xsl:message>
    </xsl:if>
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en-GB">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="pbr-settle contract-year-html.xsl"/>
        <title>Contract year <xsl:value-of select="$cy/@year"/>: <xsl:value-of select="$cy/@contract"/></title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <header class="masthead">
          <p class="kicker">The whole contract — fee for service, service credits, advances, payment by results</p>
          <h1>Contract <xsl:value-of select="$cy/@contract"/>, year <xsl:value-of select="$cy/@year"/></h1>
          <xsl:if test="number($t/@monthsSettled) &lt; 12 or number($t/@cohortsSettled) &lt; 4">
            <p class="banner restated"><strong>Year not complete</strong> —
              <xsl:value-of select="$t/@monthsSettled"/> of 12 months and
              <xsl:value-of select="$t/@cohortsSettled"/> of 4 cohorts settled; what is not settled
              is shown as such, not as £0.00.</p>
          </xsl:if>
        </header>
        <main>
          <section id="summary" aria-labelledby="summary-h">
            <h2 id="summary-h">The year's money</h2>
            <p class="headline">Paid for <xsl:value-of select="$cy/@year"/> so far:
              <strong class="paid"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@paidPence"/></xsl:call-template></strong>
              against a Maximum Annual Payment of
              <strong><xsl:call-template name="pounds"><xsl:with-param name="p" select="$terms/@mapPence"/></xsl:call-template></strong>.</p>
            <table class="narrow money">
              <caption>The year in pounds (statements in force)</caption>
              <tbody>
                <tr><th scope="row">Fee for service, <xsl:value-of select="$t/@monthsSettled"/> of 12 instalments</th>
                  <td class="num"><xsl:choose>
                    <xsl:when test="number($t/@monthsSettled) = 0"><span class="unsettled">no month settled yet</span></xsl:when>
                    <xsl:otherwise><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@ffsPence"/></xsl:call-template></xsl:otherwise></xsl:choose></td></tr>
                <tr><th scope="row">Less: service credits</th>
                  <td class="num"><xsl:call-template name="neg"><xsl:with-param name="p" select="$t/@creditPence"/></xsl:call-template></td></tr>
                <tr><th scope="row">Year-end volume adjustment</th>
                  <td class="num"><xsl:choose>
                    <xsl:when test="$vr"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@adjustmentPence"/></xsl:call-template></xsl:when>
                    <xsl:otherwise><span class="unsettled">not settled (December)</span></xsl:otherwise></xsl:choose></td></tr>
                <tr><th scope="row">Advances paid with the months</th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@advancePence"/></xsl:call-template></td></tr>
                <tr class="total"><th scope="row">Monthly statements: period due</th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@monthsPeriodDuePence"/></xsl:call-template></td></tr>
                <tr><th scope="row">Payment by results, <xsl:value-of select="$t/@cohortsSettled"/> of 4 cohorts (T and the annual true-up)</th>
                  <td class="num"><xsl:choose>
                    <xsl:when test="number($t/@cohortsSettled) = 0"><span class="unsettled">not settled</span></xsl:when>
                    <xsl:otherwise><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@cohortsPeriodDuePence"/></xsl:call-template></xsl:otherwise></xsl:choose></td></tr>
                <tr><th scope="row">Less: advances recovered from the PbR statements</th>
                  <td class="num"><xsl:choose>
                    <xsl:when test="number($t/@cohortsSettled) = 0"><span class="unsettled">not yet</span></xsl:when>
                    <xsl:otherwise><xsl:call-template name="neg"><xsl:with-param name="p" select="$t/@advanceNettedPence"/></xsl:call-template></xsl:otherwise></xsl:choose></td></tr>
                <tr class="grand"><th scope="row">Paid for the year so far</th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@paidPence"/></xsl:call-template></td></tr>
                <tr><th scope="row">Maximum Annual Payment</th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$terms/@mapPence"/></xsl:call-template></td></tr>
                <tr><th scope="row">PbR pot (MAP less the year's fee for service)</th>
                  <td class="num"><xsl:choose>
                    <xsl:when test="$vr"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$vr/@pbrPotPence"/></xsl:call-template></xsl:when>
                    <xsl:otherwise><span class="unsettled">not known until December is settled</span></xsl:otherwise></xsl:choose></td></tr>
              </tbody>
            </table>
            <p class="note">Each figure is the statement in force: a restated month or cohort counts
              once, at its latest value (the amounts due along its chain). Advances are paid with the
              months and recovered from the PbR statement of the cohort that starts in them, so once
              all four cohorts are settled they cancel out.</p>
          </section>

          <section id="chart" aria-labelledby="chart-h">
            <h2 id="chart-h">Cumulative payments against the Maximum Annual Payment</h2>
            <figure>
              <xsl:call-template name="chart"/>
              <figcaption>Payments of the year added up in order: the twelve monthly statements,
                then the PbR statements of the year's four cohorts (net of the advances they
                recover). A hollow marker is not settled yet. The tables give the same figures.</figcaption>
            </figure>
          </section>

          <section id="months" aria-labelledby="months-h">
            <h2 id="months-h">Month by month</h2>
            <div class="scroll">
              <table>
                <caption>The twelve monthly statements in force, in pounds</caption>
                <thead>
                  <tr><th scope="col">Month</th><th scope="col">Statement</th><th scope="col" class="num">Fee</th>
                    <th scope="col" class="num">Credits</th><th scope="col" class="num">Advance</th>
                    <th scope="col" class="num">Adjustment</th><th scope="col" class="num">Period due</th>
                    <th scope="col" class="num">Amount due</th></tr>
                </thead>
                <tbody>
                  <xsl:for-each select="$months">
                    <tr>
                      <th scope="row"><xsl:value-of select="@month"/></th>
                      <xsl:choose>
                        <xsl:when test="@settled = 'true'">
                          <td><xsl:value-of select="@statementId"/><xsl:if test="@kind = 'RESTATEMENT'"> <span class="muted">(restatement)</span></xsl:if></td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@ffsPence"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="neg"><xsl:with-param name="p" select="@creditPence"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@advancePence"/></xsl:call-template></td>
                          <td class="num"><xsl:choose><xsl:when test="@adjustmentPence"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@adjustmentPence"/></xsl:call-template></xsl:when><xsl:otherwise>–</xsl:otherwise></xsl:choose></td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@periodDuePence"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@amountDuePence"/></xsl:call-template></td>
                        </xsl:when>
                        <xsl:otherwise>
                          <td colspan="7" class="unsettled">not settled: no monthly statement in force</td>
                        </xsl:otherwise>
                      </xsl:choose>
                    </tr>
                  </xsl:for-each>
                </tbody>
                <tfoot>
                  <tr><th scope="row">Settled months</th><td><xsl:value-of select="$t/@monthsSettled"/> of 12</td>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@ffsPence"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="neg"><xsl:with-param name="p" select="$t/@creditPence"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@advancePence"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@adjustmentPence"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@monthsPeriodDuePence"/></xsl:call-template></td>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@monthsAmountDuePence"/></xsl:call-template></td></tr>
                </tfoot>
              </table>
            </div>
            <xsl:if test="$vr">
              <p class="note">December's volume reconciliation (<xsl:value-of select="$vr/@statementId"/>):
                weighted volume <xsl:value-of select="format-number(number($vr/@actualMilli) div 1000, '#,##0.000')"/>
                against <xsl:value-of select="format-number(number($vr/@predictedMilli) div 1000, '#,##0.000')"/> predicted,
                <strong><xsl:value-of select="$vr/@position"/></strong> the tolerance band; fee for service for the year
                <xsl:call-template name="pounds"><xsl:with-param name="p" select="$vr/@ffsYearPence"/></xsl:call-template>.</p>
            </xsl:if>
          </section>

          <section id="cohorts" aria-labelledby="cohorts-h">
            <h2 id="cohorts-h">Payment by results for the year's cohorts</h2>
            <div class="scroll">
              <table>
                <caption>The PbR statements in force for the cohorts of <xsl:value-of select="$cy/@year"/>, in pounds</caption>
                <thead>
                  <tr><th scope="col">Cohort</th><th scope="col">Settled in</th><th scope="col">Statement</th>
                    <th scope="col" class="num">Cohort total (T)</th><th scope="col" class="num">Annual true-up</th>
                    <th scope="col" class="num">Period due</th><th scope="col" class="num">Advance netted</th>
                    <th scope="col" class="num">Paid, net of advances</th></tr>
                </thead>
                <tbody>
                  <xsl:for-each select="$cohorts">
                    <tr>
                      <th scope="row"><xsl:value-of select="@quarter"/></th>
                      <td><xsl:value-of select="@settlementPeriod"/></td>
                      <xsl:choose>
                        <xsl:when test="@settled = 'true'">
                          <td><xsl:value-of select="@statementId"/><xsl:if test="@kind = 'RESTATEMENT'"> <span class="muted">(restatement)</span></xsl:if></td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@totalPence"/></xsl:call-template></td>
                          <td class="num"><xsl:choose><xsl:when test="@trueUpPence"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@trueUpPence"/></xsl:call-template></xsl:when><xsl:otherwise>–</xsl:otherwise></xsl:choose></td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@periodDuePence"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="neg"><xsl:with-param name="p" select="@advanceNettedPence"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@paidPence"/></xsl:call-template></td>
                        </xsl:when>
                        <xsl:otherwise>
                          <td colspan="6" class="unsettled"><xsl:choose>
                            <xsl:when test="@periodBegun = 'true'">not settled: period <xsl:value-of select="@settlementPeriod"/> has begun, no statement in force yet</xsl:when>
                            <xsl:otherwise>not settled: the cohort is still maturing (outcomes final when period <xsl:value-of select="@settlementPeriod"/> begins)</xsl:otherwise>
                          </xsl:choose></td>
                        </xsl:otherwise>
                      </xsl:choose>
                    </tr>
                  </xsl:for-each>
                </tbody>
                <tfoot>
                  <tr><th scope="row">Settled cohorts</th><td colspan="2"><xsl:value-of select="$t/@cohortsSettled"/> of 4</td>
                    <xsl:choose>
                      <xsl:when test="number($t/@cohortsSettled) = 0">
                        <td colspan="5" class="unsettled">no cohort of <xsl:value-of select="$cy/@year"/> settled yet</td>
                      </xsl:when>
                      <xsl:otherwise>
                        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@cohortTotalPence"/></xsl:call-template></td>
                        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@trueUpPence"/></xsl:call-template></td>
                        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@cohortsPeriodDuePence"/></xsl:call-template></td>
                        <td class="num"><xsl:call-template name="neg"><xsl:with-param name="p" select="$t/@advanceNettedPence"/></xsl:call-template></td>
                        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="number($t/@cohortsPeriodDuePence) - number($t/@advanceNettedPence)"/></xsl:call-template></td>
                      </xsl:otherwise>
                    </xsl:choose></tr>
                </tfoot>
              </table>
            </div>
          </section>

          <section id="terms" aria-labelledby="terms-h">
            <h2 id="terms-h">Terms of the year</h2>
            <dl class="facts">
              <dt>Contract</dt><dd><xsl:value-of select="$cy/@contract"/><xsl:text> </xsl:text><span class="muted">(provider <xsl:value-of select="$cy/@provider"/>, CPA <xsl:value-of select="$cy/@cpa"/>)</span></dd>
              <dt>Annual price</dt><dd><xsl:call-template name="pounds"><xsl:with-param name="p" select="$terms/@annualPricePence"/></xsl:call-template>,
                <xsl:call-template name="pounds"><xsl:with-param name="p" select="$terms/@discountedAnnualPricePence"/></xsl:call-template> after the learning-curve discount</dd>
              <dt>Advance per month</dt><dd><xsl:call-template name="pounds"><xsl:with-param name="p" select="$terms/@advancePencePerMonth"/></xsl:call-template></dd>
              <dt>Maximum Annual Payment</dt><dd><xsl:call-template name="pounds"><xsl:with-param name="p" select="$terms/@mapPence"/></xsl:call-template></dd>
            </dl>
          </section>
        </main>
        <footer>
          <p>Generated by pbr-settle <xsl:value-of select="$cy/@engineVersion"/> from the statements in force
            recorded in the settlement ledger. The signed XML statements, not this page, are the record.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- ================================================================
       Chart: cumulative payments (16 steps: 12 months, 4 cohorts), a line
       at the MAP.  Geometry only uses XPath numbers.
       ================================================================ -->
  <xsl:template name="chart">
    <xsl:variable name="steps" select="$months | $cohorts"/>
    <xsl:variable name="map" select="number($terms/@mapPence)"/>
    <xsl:variable name="maxcum">
      <xsl:for-each select="$steps">
        <xsl:sort select="sum(preceding-sibling::*[@settled = 'true']/@paidPence | preceding-sibling::y:Month[@settled = 'true']/@periodDuePence) + sum(self::y:Month[@settled = 'true']/@periodDuePence) + sum(self::y:Cohort[@settled = 'true']/@paidPence)" data-type="number" order="descending"/>
        <xsl:if test="position() = 1">
          <xsl:value-of select="sum(preceding-sibling::*[@settled = 'true']/@paidPence | preceding-sibling::y:Month[@settled = 'true']/@periodDuePence) + sum(self::y:Month[@settled = 'true']/@periodDuePence) + sum(self::y:Cohort[@settled = 'true']/@paidPence)"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="top-value">
      <xsl:choose>
        <xsl:when test="number($maxcum) &gt; $map"><xsl:value-of select="number($maxcum) * 1.08"/></xsl:when>
        <xsl:when test="$map &gt; 0"><xsl:value-of select="$map * 1.08"/></xsl:when>
        <xsl:otherwise>100</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="left" select="90"/>
    <xsl:variable name="top" select="30"/>
    <xsl:variable name="pw" select="640"/>
    <xsl:variable name="ph" select="240"/>
    <xsl:variable name="step" select="$pw div 16"/>
    <xsl:variable name="width" select="$left + $pw + 20"/>
    <xsl:variable name="height" select="$top + $ph + 50"/>
    <svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart"
         viewBox="0 0 {$width} {$height}" width="{$width}" height="{$height}"
         aria-labelledby="cy-title cy-desc">
      <title id="cy-title">Cumulative payments of <xsl:value-of select="$cy/@year"/> against the Maximum Annual Payment</title>
      <desc id="cy-desc">Maximum Annual Payment <xsl:call-template name="pounds"><xsl:with-param name="p" select="$terms/@mapPence"/></xsl:call-template>;
        paid so far <xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@paidPence"/></xsl:call-template>;
        <xsl:value-of select="$t/@monthsSettled"/> of 12 months and <xsl:value-of select="$t/@cohortsSettled"/> of 4 cohorts settled.</desc>
      <!-- axis: 0, the MAP -->
      <line x1="{$left}" x2="{$left + $pw}" y1="{$top + $ph}" y2="{$top + $ph}" class="grid"/>
      <text x="{$left - 6}" y="{$top + $ph + 4}" class="tick" text-anchor="end">£0</text>
      <xsl:variable name="ymap" select="format-number($top + $ph - $map * $ph div number($top-value), '0.#')"/>
      <line x1="{$left}" x2="{$left + $pw}" y1="{$ymap}" y2="{$ymap}" class="map"/>
      <text x="{$left - 6}" y="{$ymap + 4}" class="tick" text-anchor="end">MAP</text>
      <xsl:for-each select="$steps">
        <xsl:variable name="i" select="position()"/>
        <xsl:variable name="cum" select="sum(preceding-sibling::*[@settled = 'true']/@paidPence | preceding-sibling::y:Month[@settled = 'true']/@periodDuePence) + sum(self::y:Month[@settled = 'true']/@periodDuePence) + sum(self::y:Cohort[@settled = 'true']/@paidPence)"/>
        <xsl:variable name="x" select="format-number($left + ($i - 0.5) * $step, '0.#')"/>
        <xsl:variable name="yv" select="format-number($top + $ph - $cum * $ph div number($top-value), '0.#')"/>
        <xsl:choose>
          <xsl:when test="@settled = 'true'"><circle cx="{$x}" cy="{$yv}" r="4" class="dot-paid"/></xsl:when>
          <xsl:otherwise><circle cx="{$x}" cy="{$yv}" r="4" class="dot-open"/></xsl:otherwise>
        </xsl:choose>
        <text x="{$x}" y="{$top + $ph + 16}" class="tick" text-anchor="middle">
          <xsl:choose>
            <xsl:when test="self::y:Month"><xsl:value-of select="substring(@month, 6)"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="substring(@quarter, 5)"/></xsl:otherwise>
          </xsl:choose>
        </text>
      </xsl:for-each>
      <text x="{$left + 6 * $step}" y="{$top + $ph + 34}" class="legend" text-anchor="middle">months</text>
      <text x="{$left + 14 * $step}" y="{$top + $ph + 34}" class="legend" text-anchor="middle">PbR cohorts</text>
      <polyline class="line-paid" fill="none">
        <xsl:attribute name="points">
          <xsl:for-each select="$steps">
            <xsl:variable name="cum" select="sum(preceding-sibling::*[@settled = 'true']/@paidPence | preceding-sibling::y:Month[@settled = 'true']/@periodDuePence) + sum(self::y:Month[@settled = 'true']/@periodDuePence) + sum(self::y:Cohort[@settled = 'true']/@paidPence)"/>
            <xsl:value-of select="format-number($left + (position() - 0.5) * $step, '0.#')"/>,<xsl:value-of select="format-number($top + $ph - $cum * $ph div number($top-value), '0.#')"/>
            <xsl:text> </xsl:text>
          </xsl:for-each>
        </xsl:attribute>
      </polyline>
    </svg>
  </xsl:template>

  <xsl:template name="neg">
    <xsl:param name="p"/>
    <xsl:choose>
      <xsl:when test="translate(normalize-space($p), '0', '') = ''"><xsl:call-template name="pounds"><xsl:with-param name="p" select="'0'"/></xsl:call-template></xsl:when>
      <xsl:when test="starts-with(normalize-space($p), '-')"><xsl:call-template name="pounds"><xsl:with-param name="p" select="substring(normalize-space($p), 2)"/></xsl:call-template></xsl:when>
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
svg .map { stroke: var(--warn); stroke-width: 2; stroke-dasharray: 6 4; }
svg .line-paid { stroke: var(--act); stroke-width: 2.5; }
svg .dot-paid { fill: var(--act); }
svg .dot-open { fill: #fff; stroke: var(--act); stroke-width: 2; }
.unsettled { color: #8a5a00; font-style: italic; }
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
