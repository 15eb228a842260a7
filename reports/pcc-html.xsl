<?xml version="1.0" encoding="UTF-8"?>
<!--
  pcc-html.xsl - the PCC view (`pbr-settle report` with the pcc, from and
  to options, format html) as one self-contained HTML5 page: inline CSS
  and SVG, no script, no external resource.  XSLT 1.0, no extensions.

  The input is the <PccView> document the engine assembles from the
  ledger (namespace urn:pbr-settle:pcc-view:1): one <Period> per statement
  in force of the area's CPA, carrying the area's figures exactly as the
  statement states them, display rates in integer per mille (<Rates>),
  the contract's whole-cohort total and needs bands, and a <Total>.

  Money: integer pence formatted as pounds by string operations only
  (exact at any size, never through an XPath number).  Rates are for
  reading only: the statements, not this page, are the record.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:v="urn:pbr-settle:pcc-view:1"
                xmlns:svg="http://www.w3.org/2000/svg"
                exclude-result-prefixes="v svg">

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:variable name="view" select="/v:PccView"/>
  <xsl:variable name="periods" select="$view/v:Period"/>
  <xsl:variable name="t" select="$view/v:Total"/>
  <!-- any deduction for a significant rise in these periods (SPEC 5a) -->
  <xsl:variable name="has-deduction" select="$periods/v:Chance[number(@deductionPence) != 0]"/>
  <xsl:variable name="title">
    <xsl:text>PCC view: </xsl:text>
    <xsl:value-of select="$view/@name"/>
    <xsl:text> (</xsl:text>
    <xsl:value-of select="$view/@code"/>
    <xsl:text>), </xsl:text>
    <xsl:value-of select="$view/@from"/>
    <xsl:text> to </xsl:text>
    <xsl:value-of select="$view/@to"/>
  </xsl:variable>

  <xsl:template match="/">
    <xsl:if test="not($view)">
      <xsl:message terminate="yes">not a PCC view (root element must be PccView in namespace urn:pbr-settle:pcc-view:1)</xsl:message>
    </xsl:if>
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en-GB">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="pbr-settle pcc-html.xsl"/>
        <title><xsl:value-of select="$title"/></title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <header class="masthead">
          <p class="kicker">Payment-by-results oversight — Police and Crime Commissioner view</p>
          <h1><xsl:value-of select="$title"/></h1>
          <xsl:if test="sum($periods/v:TotalPence) != number($t/v:TotalPence)">
            <p class="banner warn" role="alert"><strong>INCONSISTENT</strong> — the periods do
              not add up to the total. Do not rely on this page.</p>
          </xsl:if>
          <xsl:if test="$periods[v:AreaBands/@status = 'ok'][sum(v:AreaBands/v:AreaBand/v:Members) != number(v:Members)]">
            <p class="banner warn" role="alert"><strong>INCONSISTENT</strong> — the needs bands do
              not add up to the area. Do not rely on this page.</p>
          </xsl:if>
          <xsl:if test="$periods[@status = 'DRAFT']">
            <p class="banner warn"><strong>DRAFT</strong> figures are included.</p>
          </xsl:if>
        </header>
        <main>
          <section id="summary" aria-labelledby="summary-h">
            <h2 id="summary-h">Summary</h2>
            <p class="headline">
              Paid for results in <xsl:value-of select="$view/@name"/> over
              <xsl:value-of select="count($periods)"/> settlement
              period<xsl:if test="count($periods) != 1">s</xsl:if>:
              <strong class="total"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:TotalPence"/></xsl:call-template></strong>
              (binary <xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:BinaryPence"/></xsl:call-template>,
              frequency <xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:FrequencyPence"/></xsl:call-template>).
            </p>
            <xsl:if test="$periods">
              <p class="paid">The statements of the contract<xsl:if test="count($periods/v:Contract[not(../@contract = preceding::v:Period/@contract)]) != 1">s</xsl:if>
                for the whole package area pay
                <strong><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@amountDuePence"/></xsl:call-template></strong>
                over these periods (cohort totals
                <xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@totalPence"/></xsl:call-template><xsl:if test="number($t/v:Contract/@trueUpPence) != 0">,
                annual true-ups <xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@trueUpPence"/></xsl:call-template>,
                which belong to the whole contract and are not attributed to areas</xsl:if>).</p>
            </xsl:if>
            <dl class="facts">
              <dt>PCC area</dt>
              <dd><xsl:value-of select="$view/@name"/> <span class="muted"> (<xsl:value-of select="$view/@code"/>)</span></dd>
              <dt>Contract package area</dt>
              <dd><xsl:value-of select="$view/@cpaName"/> <span class="muted"> (<xsl:value-of select="$view/@cpa"/>)</span></dd>
              <dt>Settlement periods</dt>
              <dd><xsl:value-of select="$view/@from"/> to <xsl:value-of select="$view/@to"/>
                <span class="muted"> (period P settles the cohort that started seven quarters earlier)</span></dd>
              <dt>People in the cohorts</dt>
              <dd><xsl:call-template name="int"><xsl:with-param name="n" select="$t/v:Members"/></xsl:call-template></dd>
            </dl>
            <xsl:if test="not($periods)">
              <p class="banner warn">No statement is in force for this area's contract package area in these periods.</p>
            </xsl:if>
          </section>

          <xsl:if test="$periods">
            <section id="trend" aria-labelledby="trend-h">
              <h2 id="trend-h">Reoffending against prediction</h2>
              <p class="note">The share of people in the area who were proven to reoffend, against the share
                predicted for them, weighted by complex needs as the tariff weights them. Below the
                prediction is better. Display only: the payment is computed by the engine in whole pence.</p>
              <div class="pair">
                <figure>
                  <xsl:call-template name="chart"/>
                  <figcaption>Expected and actual weighted proven-reoffending rate in
                    <xsl:value-of select="$view/@name"/>, by settlement period. The table gives the same figures.</figcaption>
                </figure>
                <div class="scroll">
                  <table>
                    <caption>Reoffending in <xsl:value-of select="$view/@name"/> by settlement period</caption>
                    <thead>
                      <tr>
                        <th scope="col">Period</th>
                        <th scope="col">Cohort</th>
                        <th scope="col" class="num">People</th>
                        <th scope="col" class="num">Expected rate</th>
                        <th scope="col" class="num">Actual rate</th>
                        <th scope="col" class="num wrap">Reoffences, actual / expected</th>
                      </tr>
                    </thead>
                    <tbody>
                      <xsl:for-each select="$periods">
                        <tr>
                          <th scope="row"><xsl:value-of select="@period"/></th>
                          <td><xsl:value-of select="@cohort"/></td>
                          <td class="num"><xsl:call-template name="int"><xsl:with-param name="n" select="v:Members"/></xsl:call-template>
                            <xsl:if test="@absent = 'true'"> <span class="muted">(not in statement)</span></xsl:if></td>
                          <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@expectedBinaryPermille"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@actualBinaryPermille"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@frequencyRatioPermille"/></xsl:call-template></td>
                        </tr>
                      </xsl:for-each>
                    </tbody>
                    <tfoot>
                      <tr>
                        <th scope="row">All periods</th>
                        <td></td>
                        <td class="num"><xsl:call-template name="int"><xsl:with-param name="n" select="$t/v:Members"/></xsl:call-template></td>
                        <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="$t/v:Rates/@expectedBinaryPermille"/></xsl:call-template></td>
                        <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="$t/v:Rates/@actualBinaryPermille"/></xsl:call-template></td>
                        <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="$t/v:Rates/@frequencyRatioPermille"/></xsl:call-template></td>
                      </tr>
                    </tfoot>
                  </table>
                </div>
              </div>
            </section>

            <xsl:if test="$periods/v:Chance/@ratePpm">
              <section id="chance" aria-labelledby="chance-h">
                <h2 id="chance-h">Is the change more than chance?</h2>
                <p class="note">The weighted fall (+) or rise (−) in reoffending against prediction in
                  <xsl:value-of select="$view/@name"/>, with its 95 % interval (rate ± 1.96 standard
                  errors, each person's reoffending a chance event with the predicted probability) and
                  z = B / √V. An interval that contains 0 means the change could be chance. The money
                  depends only on the contract's own test over its whole cohort (SPEC 5a), shown beside
                  it; the area's verdict is for reading. Figures computed in integers; z rounded to two
                  decimals.</p>
                <div class="scroll">
                  <table class="wide">
                    <caption>The significance test for <xsl:value-of select="$view/@name"/> by settlement period</caption>
                    <thead>
                      <tr>
                        <th scope="col">Period</th>
                        <th scope="col" class="num">Improvement (+ fell, − rose)</th>
                        <th scope="col" class="num">95 % interval</th>
                        <th scope="col" class="num">z</th>
                        <th scope="col">In the area</th>
                        <th scope="col">The contract's test</th>
                        <th scope="col" class="num">Deduction attributed</th>
                      </tr>
                    </thead>
                    <tbody>
                      <xsl:for-each select="$periods">
                        <tr>
                          <th scope="row"><xsl:value-of select="@period"/></th>
                          <xsl:call-template name="chance-cells"><xsl:with-param name="ch" select="v:Chance"/></xsl:call-template>
                          <td><xsl:choose>
                            <xsl:when test="v:Chance/@contractSignificant = 'true' and v:Chance/@mode = 'significance'"><strong>significant</strong><xsl:if test="v:Chance/@terminationFlag = 'true'">; <strong class="bad">termination flag</strong></xsl:if></xsl:when>
                            <xsl:when test="v:Chance/@contractSignificant = 'true'">significant (hurdle tariff: shown only)</xsl:when>
                            <xsl:when test="v:Chance/@contractSignificant = 'false'">could be chance</xsl:when>
                            <xsl:otherwise>–</xsl:otherwise></xsl:choose></td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="v:Chance/@deductionPence"/></xsl:call-template></td>
                        </tr>
                      </xsl:for-each>
                    </tbody>
                    <tfoot>
                      <tr>
                        <th scope="row">All periods pooled</th>
                        <xsl:call-template name="chance-cells"><xsl:with-param name="ch" select="$t/v:Chance"/></xsl:call-template>
                        <td></td>
                        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Chance/@deductionPence"/></xsl:call-template></td>
                      </tr>
                    </tfoot>
                  </table>
                </div>
              </section>
            </xsl:if>

            <section id="payment" aria-labelledby="payment-h">
              <h2 id="payment-h">Payment attributed to <xsl:value-of select="$view/@name"/>, and what each statement pays</h2>
              <p class="note">Each contract's cohort payment is shared among the PCC areas of its package area in
                proportion to each area's improvement (largest remainder, in whole pence). The annual
                true-up of a reconciliation statement belongs to the whole contract and is not attributed
                to areas: it is shown on its own contract-level line. The contract columns are what the
                statements pay, so they reconcile to the statements; the area's share is part of the
                contract's cohort total, not an addition to it.</p>
              <div class="scroll">
                <table class="money wide">
                  <caption>Pence attributed to <xsl:value-of select="$view/@name"/>, and the contracts' statements, in pounds</caption>
                  <thead>
                    <tr>
                      <th scope="col">Period</th>
                      <th scope="col">Statement</th>
                      <th scope="col" class="num opt">Area: binary</th>
                      <th scope="col" class="num opt">Area: frequency</th>
                      <xsl:if test="$has-deduction"><th scope="col" class="num">Area: deduction</th></xsl:if>
                      <th scope="col" class="num">Area total</th>
                      <th scope="col" class="num contract">Contract: cohort total</th>
                      <th scope="col" class="num">Annual true-up</th>
                      <th scope="col" class="num">Period due</th>
                      <th scope="col" class="num">Amount due</th>
                    </tr>
                  </thead>
                  <tbody>
                    <xsl:for-each select="$periods">
                      <tr>
                        <th scope="row"><xsl:value-of select="@period"/></th>
                        <td><xsl:value-of select="@statementId"/>
                          <xsl:if test="@kind = 'RESTATEMENT'"> <span class="muted">(restatement)</span></xsl:if></td>
                        <td class="num opt"><xsl:call-template name="pounds"><xsl:with-param name="p" select="v:BinaryPence"/></xsl:call-template></td>
                        <td class="num opt"><xsl:call-template name="pounds"><xsl:with-param name="p" select="v:FrequencyPence"/></xsl:call-template></td>
                        <xsl:if test="$has-deduction"><td class="num"><xsl:call-template name="neg"><xsl:with-param name="p" select="v:Chance/@deductionPence"/></xsl:call-template></td></xsl:if>
                        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="v:TotalPence"/></xsl:call-template></td>
                        <td class="num contract"><xsl:call-template name="pounds"><xsl:with-param name="p" select="v:Contract/@totalPence"/></xsl:call-template></td>
                        <td class="num"><xsl:choose>
                          <xsl:when test="v:Contract/@reconciliationYear">see below</xsl:when>
                          <xsl:otherwise>–</xsl:otherwise></xsl:choose></td>
                        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="v:Contract/@periodDuePence"/></xsl:call-template></td>
                        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="v:Contract/@amountDuePence"/></xsl:call-template></td>
                      </tr>
                      <xsl:if test="v:Contract/@reconciliationYear">
                        <tr class="trueup">
                          <th scope="row" colspan="2">Annual reconciliation <xsl:value-of select="v:Contract/@reconciliationYear"/>,
                            contract <xsl:value-of select="@contract"/>: true-up (contract level, not attributed to areas)</th>
                          <td class="num opt">–</td><td class="num opt">–</td>
                          <xsl:if test="$has-deduction"><td class="num">–</td></xsl:if>
                          <td class="num">–</td><td class="num contract">–</td>
                          <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="v:Contract/@trueUpPence"/></xsl:call-template></td>
                          <td class="num muted">in period due</td>
                          <td class="num"></td>
                        </tr>
                      </xsl:if>
                    </xsl:for-each>
                  </tbody>
                  <tfoot>
                    <tr class="grand">
                      <th scope="row">Total</th>
                      <td></td>
                      <td class="num opt"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:BinaryPence"/></xsl:call-template></td>
                      <td class="num opt"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:FrequencyPence"/></xsl:call-template></td>
                      <xsl:if test="$has-deduction"><td class="num"><xsl:call-template name="neg"><xsl:with-param name="p" select="$t/v:Chance/@deductionPence"/></xsl:call-template></td></xsl:if>
                      <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:TotalPence"/></xsl:call-template></td>
                      <td class="num contract"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@totalPence"/></xsl:call-template></td>
                      <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@trueUpPence"/></xsl:call-template></td>
                      <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@periodDuePence"/></xsl:call-template></td>
                      <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@amountDuePence"/></xsl:call-template></td>
                    </tr>
                  </tfoot>
                </table>
              </div>
              <p class="note">Cohort totals plus true-ups make the periods due
                (<xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@totalPence"/></xsl:call-template>
                + <xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@trueUpPence"/></xsl:call-template>
                = <xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@periodDuePence"/></xsl:call-template>).
                The amount due of an original is its period due less any advance netted; of a restatement,
                the difference from the statement it supersedes.
                <xsl:if test="number($t/v:Contract/@advanceNettedPence) != 0">Advances netted:
                  <xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/v:Contract/@advanceNettedPence"/></xsl:call-template>.</xsl:if></p>
            </section>

            <section id="area-needs" aria-labelledby="area-needs-h">
              <h2 id="area-needs-h">People with complex needs in <xsl:value-of select="$view/@name"/></h2>
              <p class="note">Whether people in the area with several needs are worked with or left
                aside: the area's people by number of distinct needs, with expected and actual
                reoffending and the fall (+) or rise (−) against prediction with its 95 % interval.
                The engine recomputes these from the cohort's rows and shows them only when the rows
                are those the statement was settled on (same input digest); the three bands add up to
                the area's figures. No money is attributed to bands.</p>
              <xsl:choose>
                <xsl:when test="$periods/v:AreaBands[@status = 'ok']">
                  <div class="scroll">
                    <table class="wide bands">
                      <caption>People in <xsl:value-of select="$view/@name"/> by number of complex needs, by settlement period</caption>
                      <thead>
                        <tr>
                          <th scope="col">Period</th>
                          <th scope="col">Needs</th>
                          <th scope="col" class="num">People</th>
                          <th scope="col" class="num">Expected rate</th>
                          <th scope="col" class="num">Actual rate</th>
                          <th scope="col" class="num">Improvement (+ fell, − rose)</th>
                          <th scope="col" class="num">95 % interval</th>
                          <th scope="col" class="num wrap">Reoffences, actual / expected</th>
                        </tr>
                      </thead>
                      <tbody>
                        <xsl:for-each select="$periods">
                          <!-- one shade per period, not per row -->
                          <xsl:variable name="shade"><xsl:if test="position() mod 2 = 0">alt</xsl:if></xsl:variable>
                          <xsl:choose>
                            <xsl:when test="v:AreaBands/@status = 'ok'">
                              <xsl:for-each select="v:AreaBands/v:AreaBand">
                                <tr class="{$shade}">
                                  <xsl:if test="position() = 1">
                                    <th scope="row" rowspan="{last()}"><xsl:value-of select="../../@period"/></th>
                                  </xsl:if>
                                  <xsl:call-template name="band-cells"/>
                                </tr>
                              </xsl:for-each>
                            </xsl:when>
                            <xsl:otherwise>
                              <tr class="{$shade}">
                                <th scope="row"><xsl:value-of select="@period"/></th>
                                <td colspan="7" class="muted wrapcell">not available: <xsl:value-of select="v:AreaBands/@why"/></td>
                              </tr>
                            </xsl:otherwise>
                          </xsl:choose>
                        </xsl:for-each>
                      </tbody>
                      <tfoot>
                        <xsl:for-each select="$t/v:AreaBands/v:AreaBand">
                          <tr>
                            <xsl:if test="position() = 1">
                              <th scope="row" rowspan="{last()}">All periods<xsl:if test="$t/v:AreaBands/@status = 'partial'"> with bands</xsl:if></th>
                            </xsl:if>
                            <xsl:call-template name="band-cells"/>
                          </tr>
                        </xsl:for-each>
                      </tfoot>
                    </table>
                  </div>
                </xsl:when>
                <xsl:otherwise>
                  <p class="banner warn">Needs bands for this area are not available:
                    <xsl:value-of select="($periods/v:AreaBands/@why)[1]"/></p>
                </xsl:otherwise>
              </xsl:choose>
            </section>

            <section id="needs" aria-labelledby="needs-h">
              <h2 id="needs-h">People with complex needs (whole contract)</h2>
              <p class="note">Whether people with several needs are worked with or left aside: expected and
                actual reoffending rates by number of needs, for the contract's whole cohort, all its
                PCC areas together, as the statements give them.</p>
              <div class="scroll">
                <table>
                  <caption>Contract cohort by number of complex needs: people, expected and actual rate</caption>
                  <thead>
                    <tr>
                      <th scope="col" rowspan="2">Period</th>
                      <th scope="colgroup" colspan="3">No needs</th>
                      <th scope="colgroup" colspan="3">1–2 needs</th>
                      <th scope="colgroup" colspan="3">3 or more needs</th>
                    </tr>
                    <tr>
                      <th scope="col" class="num">People</th><th scope="col" class="num">Expected</th><th scope="col" class="num">Actual</th>
                      <th scope="col" class="num">People</th><th scope="col" class="num">Expected</th><th scope="col" class="num">Actual</th>
                      <th scope="col" class="num">People</th><th scope="col" class="num">Expected</th><th scope="col" class="num">Actual</th>
                    </tr>
                  </thead>
                  <tbody>
                    <xsl:for-each select="$periods">
                      <tr>
                        <th scope="row"><xsl:value-of select="@period"/></th>
                        <xsl:for-each select="v:Contract/v:NeedsBand">
                          <td class="num"><xsl:call-template name="int"><xsl:with-param name="n" select="@members"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@expectedBinaryPermille"/></xsl:call-template></td>
                          <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@actualBinaryPermille"/></xsl:call-template></td>
                        </xsl:for-each>
                      </tr>
                    </xsl:for-each>
                  </tbody>
                </table>
              </div>
            </section>
          </xsl:if>
        </main>
        <footer>
          <p>Generated by pbr-settle <xsl:value-of select="$view/@engineVersion"/> from the statements in force
            recorded in the settlement ledger. The signed XML statements, not this page, are the record.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- ================================================================
       Trend chart: expected and actual rate per period, two lines.
       ================================================================ -->
  <xsl:template name="chart">
    <xsl:variable name="n" select="count($periods)"/>
    <xsl:variable name="max">
      <xsl:for-each select="$periods/v:Rates/@expectedBinaryPermille | $periods/v:Rates/@actualBinaryPermille">
        <xsl:sort select="number(.)" data-type="number" order="descending"/>
        <xsl:if test="position() = 1"><xsl:value-of select="number(.)"/></xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <!-- the scale: the next 10% step above the largest rate, 10%..100% -->
    <xsl:variable name="scale">
      <xsl:choose>
        <xsl:when test="string($max) = '' or number($max) &lt;= 100">100</xsl:when>
        <xsl:when test="number($max) &gt;= 900">1000</xsl:when>
        <xsl:otherwise><xsl:value-of select="ceiling(number($max) div 100) * 100"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="left" select="56"/>
    <xsl:variable name="top" select="36"/>
    <xsl:variable name="pw" select="460"/>
    <xsl:variable name="ph" select="220"/>
    <xsl:variable name="width" select="$left + $pw + 24"/>
    <xsl:variable name="height" select="$top + $ph + 44"/>
    <xsl:variable name="step" select="$pw div $n"/>

    <svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart"
         viewBox="0 0 {$width} {$height}" width="{$width}" height="{$height}"
         aria-labelledby="trend-title trend-desc">
      <title id="trend-title">Expected and actual reoffending rate in <xsl:value-of select="$view/@name"/>, <xsl:value-of select="$view/@from"/> to <xsl:value-of select="$view/@to"/></title>
      <desc id="trend-desc">
        <xsl:for-each select="$periods">
          <xsl:value-of select="@period"/>
          <xsl:text>: expected </xsl:text>
          <xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@expectedBinaryPermille"/></xsl:call-template>
          <xsl:text>, actual </xsl:text>
          <xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@actualBinaryPermille"/></xsl:call-template>
          <xsl:if test="position() != last()">; </xsl:if>
        </xsl:for-each>
        <xsl:text>.</xsl:text>
      </desc>
      <rect x="0" y="0" width="{$width}" height="{$height}" class="bg"/>
      <!-- legend -->
      <line x1="{$left}" x2="{$left + 22}" y1="14" y2="14" class="line-e"/>
      <text x="{$left + 28}" y="18" class="legend">Expected (predicted)</text>
      <line x1="{$left + 180}" x2="{$left + 202}" y1="14" y2="14" class="line-a"/>
      <text x="{$left + 208}" y="18" class="legend">Actual</text>
      <!-- grid: a line every 10% -->
      <xsl:call-template name="grid">
        <xsl:with-param name="i" select="0"/>
        <xsl:with-param name="n" select="number($scale) div 100"/>
        <xsl:with-param name="left" select="$left"/>
        <xsl:with-param name="top" select="$top"/>
        <xsl:with-param name="pw" select="$pw"/>
        <xsl:with-param name="ph" select="$ph"/>
      </xsl:call-template>
      <!-- period labels -->
      <xsl:for-each select="$periods">
        <text x="{format-number($left + (position() - 0.5) * $step, '0.#')}" y="{$top + $ph + 18}"
              class="tick" text-anchor="middle"><xsl:value-of select="@period"/></text>
      </xsl:for-each>
      <!-- the two lines -->
      <polyline class="line-e" fill="none">
        <xsl:attribute name="points">
          <xsl:for-each select="$periods">
            <xsl:if test="v:Rates/@expectedBinaryPermille">
              <xsl:value-of select="format-number($left + (position() - 0.5) * $step, '0.#')"/>
              <xsl:text>,</xsl:text>
              <xsl:value-of select="format-number($top + $ph - number(v:Rates/@expectedBinaryPermille) * $ph div number($scale), '0.#')"/>
              <xsl:text> </xsl:text>
            </xsl:if>
          </xsl:for-each>
        </xsl:attribute>
      </polyline>
      <polyline class="line-a" fill="none">
        <xsl:attribute name="points">
          <xsl:for-each select="$periods">
            <xsl:if test="v:Rates/@actualBinaryPermille">
              <xsl:value-of select="format-number($left + (position() - 0.5) * $step, '0.#')"/>
              <xsl:text>,</xsl:text>
              <xsl:value-of select="format-number($top + $ph - number(v:Rates/@actualBinaryPermille) * $ph div number($scale), '0.#')"/>
              <xsl:text> </xsl:text>
            </xsl:if>
          </xsl:for-each>
        </xsl:attribute>
      </polyline>
      <!-- value labels: each on the side of its dot away from the other
           line (the higher value above its dot, the lower below), so no
           label sits on a line -->
      <xsl:for-each select="$periods">
        <xsl:variable name="x" select="format-number($left + (position() - 0.5) * $step, '0.#')"/>
        <xsl:variable name="e" select="number(v:Rates/@expectedBinaryPermille)"/>
        <xsl:variable name="a" select="number(v:Rates/@actualBinaryPermille)"/>
        <xsl:variable name="ye" select="$top + $ph - $e * $ph div number($scale)"/>
        <xsl:variable name="ya" select="$top + $ph - $a * $ph div number($scale)"/>
        <xsl:if test="v:Rates/@expectedBinaryPermille">
          <circle cx="{$x}" cy="{format-number($ye, '0.#')}" r="4" class="dot-e"/>
          <text x="{$x}" class="value value-e" text-anchor="middle">
            <xsl:attribute name="y">
              <xsl:choose>
                <xsl:when test="$e &gt; $a"><xsl:value-of select="format-number($ye - 9, '0.#')"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="format-number($ye + 17, '0.#')"/></xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
            <xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@expectedBinaryPermille"/></xsl:call-template></text>
        </xsl:if>
        <xsl:if test="v:Rates/@actualBinaryPermille">
          <circle cx="{$x}" cy="{format-number($ya, '0.#')}" r="4" class="dot-a"/>
          <text x="{$x}" class="value value-a" text-anchor="middle">
            <xsl:attribute name="y">
              <xsl:choose>
                <xsl:when test="$a &gt;= $e"><xsl:value-of select="format-number($ya - 9, '0.#')"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="format-number($ya + 17, '0.#')"/></xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
            <xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@actualBinaryPermille"/></xsl:call-template></text>
        </xsl:if>
      </xsl:for-each>
    </svg>
  </xsl:template>

  <!-- one needs band of the area (an <AreaBand>): its cells after the
       period -->
  <xsl:template name="band-cells">
    <td class="nowrap"><xsl:choose>
      <xsl:when test="@band = '0'">none</xsl:when>
      <xsl:when test="@band = '1-2'">1–2</xsl:when>
      <xsl:otherwise>3 or more</xsl:otherwise></xsl:choose></td>
    <td class="num"><xsl:call-template name="int"><xsl:with-param name="n" select="v:Members"/></xsl:call-template></td>
    <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@expectedBinaryPermille"/></xsl:call-template></td>
    <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@actualBinaryPermille"/></xsl:call-template></td>
    <xsl:choose>
      <xsl:when test="v:Chance/@ratePpm">
        <td class="num"><xsl:call-template name="pts"><xsl:with-param name="ppm" select="v:Chance/@ratePpm"/></xsl:call-template></td>
        <td class="num"><xsl:call-template name="pts"><xsl:with-param name="ppm" select="v:Chance/@lowPpm"/></xsl:call-template>
          to <xsl:call-template name="pts"><xsl:with-param name="ppm" select="v:Chance/@highPpm"/></xsl:call-template></td>
      </xsl:when>
      <xsl:otherwise><td class="num">–</td><td class="num">–</td></xsl:otherwise>
    </xsl:choose>
    <td class="num"><xsl:call-template name="pm"><xsl:with-param name="v" select="v:Rates/@frequencyRatioPermille"/></xsl:call-template></td>
  </xsl:template>

  <!-- change, interval, z and the area's verdict of a <Chance> -->
  <xsl:template name="chance-cells">
    <xsl:param name="ch"/>
    <xsl:choose>
      <xsl:when test="$ch/@ratePpm">
        <td class="num"><xsl:call-template name="pts"><xsl:with-param name="ppm" select="$ch/@ratePpm"/></xsl:call-template></td>
        <td class="num"><xsl:call-template name="pts"><xsl:with-param name="ppm" select="$ch/@lowPpm"/></xsl:call-template>
          to <xsl:call-template name="pts"><xsl:with-param name="ppm" select="$ch/@highPpm"/></xsl:call-template></td>
        <td class="num"><xsl:choose>
          <xsl:when test="$ch/@zCenti"><xsl:call-template name="centi"><xsl:with-param name="v" select="$ch/@zCenti"/></xsl:call-template></xsl:when>
          <xsl:otherwise>–</xsl:otherwise></xsl:choose></td>
        <td><xsl:variable name="zm">
            <xsl:choose><xsl:when test="number($ch/@zMilli) &gt; 0"><xsl:value-of select="$ch/@zMilli"/></xsl:when><xsl:otherwise>1960</xsl:otherwise></xsl:choose>
          </xsl:variable>
          <xsl:choose>
            <xsl:when test="number($ch/@ratePpm) = 0">no change</xsl:when>
            <xsl:when test="not($ch/@zCenti)">significant (no variance)</xsl:when>
            <xsl:when test="number($ch/@zCenti) * 10 &gt;= number($zm) or -number($ch/@zCenti) * 10 &gt;= number($zm)">significant</xsl:when>
            <xsl:otherwise>could be chance</xsl:otherwise>
          </xsl:choose></td>
      </xsl:when>
      <xsl:otherwise><td class="num">–</td><td class="num">–</td><td class="num">–</td><td class="muted">no members or no variance in the statement</td></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ppm of a rate as signed points with one decimal: 63000 -> +6.3 pts -->
  <xsl:template name="pts">
    <xsl:param name="ppm"/>
    <xsl:variable name="v" select="number($ppm)"/>
    <xsl:choose>
      <xsl:when test="$v &gt; 0">+<xsl:value-of select="format-number($v div 10000, '0.0')"/> pts</xsl:when>
      <xsl:when test="$v &lt; 0">−<xsl:value-of select="format-number(-$v div 10000, '0.0')"/> pts</xsl:when>
      <xsl:otherwise>0.0 pts</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- an integer in hundredths as a decimal with two places, by string
       operations: -377 -> −3.77 -->
  <xsl:template name="centi">
    <xsl:param name="v"/>
    <xsl:variable name="s" select="normalize-space($v)"/>
    <xsl:variable name="neg" select="starts-with($s, '-')"/>
    <xsl:variable name="digits"><xsl:choose><xsl:when test="$neg"><xsl:value-of select="substring($s, 2)"/></xsl:when><xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise></xsl:choose></xsl:variable>
    <xsl:variable name="padded" select="concat(substring('00', string-length($digits)), $digits)"/>
    <xsl:if test="$neg and translate($digits, '0', '') != ''">−</xsl:if>
    <xsl:value-of select="substring($padded, 1, string-length($padded) - 2)"/>.<xsl:value-of select="substring($padded, string-length($padded) - 1)"/>
  </xsl:template>

  <xsl:template name="grid">
    <xsl:param name="i"/>
    <xsl:param name="n"/>
    <xsl:param name="left"/>
    <xsl:param name="top"/>
    <xsl:param name="pw"/>
    <xsl:param name="ph"/>
    <xsl:if test="$i &lt;= $n">
      <xsl:variable name="y" select="format-number($top + $ph - $i * $ph div $n, '0.#')"/>
      <line xmlns="http://www.w3.org/2000/svg" x1="{$left}" x2="{$left + $pw}" y1="{$y}" y2="{$y}" class="grid"/>
      <text xmlns="http://www.w3.org/2000/svg" x="{$left - 6}" y="{$y + 4}" class="tick" text-anchor="end"><xsl:value-of select="$i * 10"/>%</text>
      <xsl:call-template name="grid">
        <xsl:with-param name="i" select="$i + 1"/>
        <xsl:with-param name="n" select="$n"/>
        <xsl:with-param name="left" select="$left"/>
        <xsl:with-param name="top" select="$top"/>
        <xsl:with-param name="pw" select="$pw"/>
        <xsl:with-param name="ph" select="$ph"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================
       Formatting
       ================================================================ -->

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

  <!-- pence shown as a subtraction: 9000 -> -£90.00, 0 -> £0.00 -->
  <xsl:template name="neg">
    <xsl:param name="p"/>
    <xsl:choose>
      <xsl:when test="translate(normalize-space($p), '0', '') = ''"><xsl:call-template name="pounds"><xsl:with-param name="p" select="'0'"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:call-template name="pounds"><xsl:with-param name="p" select="concat('-', normalize-space($p))"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="int">
    <xsl:param name="n"/>
    <xsl:value-of select="format-number(number($n), '#,##0')"/>
  </xsl:template>

  <!-- Integer per mille as a percentage with one decimal: 312 -> 31.2%. -->
  <xsl:template name="pm">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="string($v) = '' or string(number($v)) = 'NaN'">–</xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="floor(number($v) div 10)"/>
        <xsl:text>.</xsl:text>
        <xsl:value-of select="number($v) mod 10"/>
        <xsl:text>%</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="css">
    <xsl:text>
:root { --ink: #1b1b1b; --muted: #595959; --rule: #c8c8c8; --band: #f3f5f7;
        --exp: #7d99b8; --act: #17457a; --warn: #8a1c1c; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 80rem; padding: 1.5rem 1.25rem 3rem;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0.1rem 0 0.6rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 2px solid var(--ink); }
.kicker { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.8rem; }
.banner { padding: 0.5rem 0.75rem; margin: 0.4rem 0; border-left: 6px solid; }
.banner.warn { border-color: var(--warn); background: #fbeaea; color: var(--warn); }
.muted { color: var(--muted); }
.note { color: var(--muted); max-width: 60rem; }
.headline { font-size: 1.15rem; }
.bad { color: var(--warn); font-weight: bold; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0 0.4rem; }
th, td { padding: 0.3rem 0.45rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); text-align: left; font-size: 0.85rem; vertical-align: bottom; }
thead th.wrap { white-space: normal; width: 7rem; }
tbody th { text-align: left; font-weight: normal; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--band); }
tfoot th, tfoot td { font-weight: 600; }
tfoot th { text-align: left; white-space: nowrap; }
tfoot tr { border-top: 2px solid var(--ink); }
tr.grand th, tr.grand td { font-weight: 700; border-bottom: 3px double var(--ink); }
tr.trueup th { font-style: italic; white-space: normal; }
td.wrapcell { white-space: normal; }
td.nowrap { white-space: nowrap; }
table.bands tbody tr:nth-child(even) { background: none; }
table.bands tbody tr.alt { background: var(--band); }
table.bands tfoot tr + tr { border-top: 1px solid var(--rule); }
td.contract, th.contract { border-left: 2px solid var(--rule); }
@media (max-width: 62rem) {
  body { padding: 1rem 0.6rem 2rem; }
  table.wide { font-size: 0.78rem; }
  table.wide th, table.wide td { padding: 0.2rem 0.22rem; }
  .opt { display: none; }
}
thead th.group { text-align: center; border-bottom: 1px solid var(--rule); }
.num { text-align: right; white-space: nowrap; }
thead th.num { text-align: right; white-space: normal; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.pair figure { margin: 0; flex: 0 1 auto; }
.pair .scroll { flex: 1 1 24rem; min-width: 0; }
figcaption { color: var(--muted); font-size: 0.85rem; max-width: 34rem; }
.scroll { overflow-x: auto; max-width: 100%; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg .bg { fill: #fff; }
svg .grid { stroke: var(--rule); stroke-width: 1; }
svg .line-e { stroke: var(--exp); stroke-width: 3; stroke-dasharray: 7 4; fill: none; }
svg .line-a { stroke: var(--act); stroke-width: 3; fill: none; }
svg .dot-e { fill: var(--exp); }
svg .dot-a { fill: var(--act); }
svg .legend { font-size: 13px; fill: var(--ink); }
svg .value, svg .tick { font-size: 11px; fill: var(--muted); }
svg .value { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .value-a { fill: var(--act); font-weight: 600; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule); padding-top: 0.6rem; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  table.wide { font-size: 7.5pt; }
  table.wide th, table.wide td { padding: 0.15rem 0.2rem; }
  .opt { display: none; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  section, table, figure, tr { break-inside: avoid; page-break-inside: avoid; }
  .scroll { overflow: visible; }
  tbody tr:nth-child(even) { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</xsl:text>
  </xsl:template>

</xsl:stylesheet>
