<?xml version="1.0" encoding="UTF-8"?>
<!--
  statement-html.xsl - a settlement statement (schemas/statement.xsd) as one
  self-contained HTML5 page: inline CSS and SVG, no script, no external
  resource.  XSLT 1.0, no extension functions (libxslt, xsltproc).

  Money: the statement holds integer pence; pounds are formatted here by
  string operations only (sign, digits grouped in threes, the last two
  after the point), never through an XPath number, so they are exact at
  any size.  Rates and percentages are display only.

  The "Who benefits" section shows the parking and cherry-picking monitor
  (docs/STATEMENT.md, "The monitor") when the statement has a Monitor
  element; statements written before it render without the section.

  Parameter signature_status: what the caller found when checking
  ds:Signature (for example "valid", "INVALID", "not checked").

  Used by `pbr-settle report FILE.xml (format html)`, or directly:
    xsltproc reports/statement-html.xsl STATEMENT.xml > statement.html
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:s="urn:pbr-settle:statement:1"
                xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
                xmlns:svg="http://www.w3.org/2000/svg"
                exclude-result-prefixes="s ds svg">

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:param name="signature_status" select="'not checked'"/>

  <xsl:variable name="st" select="/s:SettlementStatement"/>
  <xsl:variable name="h" select="$st/s:Header"/>
  <xsl:variable name="c" select="$st/s:Cohort"/>
  <xsl:variable name="ar" select="$st/s:AnnualReconciliation"/>
  <xsl:variable name="sum" select="$st/s:Summary"/>
  <!-- the parking and cherry-picking monitor; absent in older statements -->
  <xsl:variable name="mon" select="$st/s:Monitor"/>

  <!-- ================================================================
       Entry point
       ================================================================ -->

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$st">
        <xsl:call-template name="page"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">not a settlement statement (root element must be SettlementStatement in namespace urn:pbr-settle:statement:1)</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="page">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en-GB">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="pbr-settle statement-html.xsl"/>
        <title>Settlement statement <xsl:value-of select="$h/s:StatementId"/></title>
        <style>
          <xsl:call-template name="css"/>
        </style>
      </head>
      <body>
        <header class="masthead">
          <p class="kicker">Payment-by-results settlement statement</p>
          <h1>Settlement statement <xsl:value-of select="$h/s:StatementId"/></h1>
          <xsl:call-template name="banners"/>
        </header>
        <main>
          <xsl:call-template name="header-section"/>
          <xsl:call-template name="payment-section"/>
          <xsl:if test="$c/s:BinaryVariance">
            <xsl:call-template name="significance-section"/>
          </xsl:if>
          <xsl:call-template name="pcc-section"/>
          <xsl:call-template name="needs-section"/>
          <xsl:if test="$mon">
            <xsl:call-template name="monitor-section"/>
          </xsl:if>
          <xsl:call-template name="rejects-section"/>
          <xsl:if test="$ar">
            <xsl:call-template name="reconciliation-section"/>
          </xsl:if>
          <xsl:call-template name="integrity-section"/>
          <xsl:call-template name="audit-section"/>
        </main>
        <footer>
          <p>
            Generated from <code><xsl:value-of select="$h/s:StatementId"/>.xml</code>
            (engine <xsl:value-of select="$h/s:EngineVersion"/>).
            All money is computed in whole pence by the engine; rates and
            percentages on this page are for reading only. The XML statement,
            not this page, is the record.
          </p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- ================================================================
       Sections
       ================================================================ -->

  <xsl:template name="banners">
    <xsl:if test="sum($c/s:PccArea/s:BinaryPence) != number($c/s:BinaryPence)
                  or sum($c/s:PccArea/s:FrequencyPence) != number($c/s:FrequencyPence)
                  or sum($c/s:PccArea/s:TotalPence) != number($c/s:TotalPence)
                  or sum($c/s:PccArea/s:DeductionPence) != sum($c/s:DeductionPence)
                  or number($c/s:BinaryPence) + number($c/s:FrequencyPence) - sum($c/s:DeductionPence) != number($c/s:TotalPence)">
      <p class="banner draft" role="alert"><strong>INCONSISTENT</strong> — the payment
        attributed to the PCC areas, or the binary and frequency payments, do not add up to
        the cohort total. Do not rely on this statement; run <code>pbr-settle verify</code>.</p>
    </xsl:if>
    <xsl:if test="$c/s:TerminationFlag = 'true' or $ar/s:TerminationFlag = 'true'">
      <p class="banner draft" role="alert"><strong>TERMINATION FLAG</strong> — reoffending rose
        significantly, by at least the tariff's termination threshold
        (<xsl:call-template name="ppm-pct"><xsl:with-param name="ppm" select="$h/s:Tariff/s:TerminationPpm"/></xsl:call-template>
        of the weighted cohort). The flag carries no money; see <a href="#significance">Is the change significant?</a></p>
    </xsl:if>
    <xsl:if test="$h/s:Status = 'DRAFT'">
      <p class="banner draft"><strong>DRAFT</strong> — dry run, not recorded in the
        ledger and not a basis for payment.</p>
    </xsl:if>
    <xsl:if test="$mon/s:Flag">
      <p class="banner flagged"><strong>MONITOR: <xsl:value-of select="count($mon/s:Flag)"/>
        flag<xsl:if test="count($mon/s:Flag) != 1">s</xsl:if> raised</strong> —
        <xsl:for-each select="$mon/s:Flag">
          <code><xsl:value-of select="@code"/></code>
          <xsl:if test="position() != last()">, </xsl:if>
        </xsl:for-each>.
        See <a href="#monitor">Who benefits</a>; the monitor does not change the payment.</p>
    </xsl:if>
    <xsl:if test="$h/s:Kind = 'RESTATEMENT'">
      <p class="banner restated"><strong>RESTATEMENT</strong> of
        <xsl:value-of select="$h/s:Supersedes"/>
        <xsl:if test="normalize-space($h/s:Reason) != ''">
          — reason: <q><xsl:value-of select="$h/s:Reason"/></q>
        </xsl:if>
      </p>
    </xsl:if>
  </xsl:template>

  <xsl:template name="header-section">
    <section id="statement" aria-labelledby="statement-h">
      <h2 id="statement-h">Statement</h2>
      <dl class="facts">
        <dt>Statement</dt>
        <dd><xsl:value-of select="$h/s:StatementId"/></dd>
        <dt>Status / kind</dt>
        <dd><xsl:value-of select="$h/s:Status"/> / <xsl:value-of select="$h/s:Kind"/></dd>
        <xsl:if test="$h/s:Supersedes">
          <dt>Supersedes</dt>
          <dd><xsl:value-of select="$h/s:Supersedes"/></dd>
        </xsl:if>
        <xsl:if test="$h/s:Reason">
          <dt>Reason for restatement</dt>
          <dd><xsl:value-of select="$h/s:Reason"/></dd>
        </xsl:if>
        <dt>Contract</dt>
        <dd><xsl:value-of select="$h/s:Contract/@id"/></dd>
        <dt>Provider</dt>
        <dd><xsl:value-of select="$h/s:Provider"/>
          <span class="muted"> (<xsl:value-of select="$h/s:Provider/@id"/>)</span></dd>
        <dt>Contract package area</dt>
        <dd><xsl:value-of select="$h/s:Contract/@cpa"/></dd>
        <dt>Settlement period</dt>
        <dd><xsl:value-of select="$h/s:Period"/></dd>
        <dt>Cohort settled</dt>
        <dd><xsl:value-of select="$h/s:CohortQuarter"/>
          <span class="muted"> (people starting an order or released in that quarter; 12 months' follow-up plus 6 months for convictions)</span></dd>
        <dt>Tariff</dt>
        <dd><xsl:value-of select="$h/s:Tariff/@version"/>
          <xsl:if test="normalize-space($h/s:Tariff/s:Description) != ''">
            — <xsl:value-of select="$h/s:Tariff/s:Description"/>
          </xsl:if>
        </dd>
        <dt>Run id</dt>
        <dd><xsl:value-of select="$h/s:RunId"/>
          <xsl:if test="$h/s:Status = 'DRAFT'"><span class="muted"> (draft: not in the ledger)</span></xsl:if>
        </dd>
        <dt>Created at</dt>
        <dd><time datetime="{$h/s:CreatedAt}"><xsl:value-of select="translate($h/s:CreatedAt, 'T', ' ')"/></time></dd>
        <dt>Engine version</dt>
        <dd><xsl:value-of select="$h/s:EngineVersion"/></dd>
      </dl>

      <table class="narrow">
        <caption>Tariff <xsl:value-of select="$h/s:Tariff/@version"/> parameters</caption>
        <tbody>
          <tr><th scope="row">Binary price (per weighted person not reoffending beyond prediction)</th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$h/s:Tariff/s:BinaryPricePence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Frequency price (per weighted proven reoffence avoided)</th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$h/s:Tariff/s:FrequencyPricePence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Binary hurdle (<xsl:choose>
              <xsl:when test="$h/s:Tariff/s:BinaryMode = 'significance'">not used under the significance rule</xsl:when>
              <xsl:otherwise>minimum weighted improvement</xsl:otherwise>
            </xsl:choose>)</th>
            <td class="num"><xsl:call-template name="ppm-pct"><xsl:with-param name="ppm" select="$h/s:Tariff/s:BinaryHurdlePpm"/></xsl:call-template></td></tr>
          <tr><th scope="row">Cohort cap</th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$h/s:Tariff/s:CohortCapPence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Weight ceiling</th>
            <td class="num"><xsl:call-template name="bp-weight"><xsl:with-param name="bp" select="$h/s:Tariff/s:MaxWeightBp"/></xsl:call-template></td></tr>
          <tr><th scope="row">Reject limit</th>
            <td class="num"><xsl:call-template name="ppm-pct"><xsl:with-param name="ppm" select="$h/s:Tariff/s:MaxRejectPpm"/></xsl:call-template> of rows</td></tr>
          <xsl:if test="$h/s:Tariff/s:BinaryMode">
            <tr><th scope="row">Binary rule</th>
              <td class="num"><xsl:choose>
                <xsl:when test="$h/s:Tariff/s:BinaryMode = 'significance'">significant change (SPEC 5a)</xsl:when>
                <xsl:otherwise>fixed hurdle</xsl:otherwise>
              </xsl:choose></td></tr>
            <tr><th scope="row">Critical value z (<xsl:choose>
                <xsl:when test="$h/s:Tariff/s:BinaryMode = 'significance'">decides the binary payment</xsl:when>
                <xsl:otherwise>for information only</xsl:otherwise>
              </xsl:choose>)</th>
              <td class="num"><xsl:value-of select="format-number($h/s:Tariff/s:SignificanceZMilli div 1000, '0.000')"/></td></tr>
            <xsl:if test="$h/s:Tariff/s:BinaryMode = 'significance'">
              <tr><th scope="row">Deduction price (per weighted person reoffending beyond prediction)</th>
                <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$h/s:Tariff/s:DeductionPricePence"/></xsl:call-template></td></tr>
              <tr><th scope="row">Deduction cap (per cohort)</th>
                <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$h/s:Tariff/s:DeductionCapPence"/></xsl:call-template></td></tr>
              <tr><th scope="row">Termination flag at a significant rise of</th>
                <td class="num"><xsl:choose>
                  <xsl:when test="$h/s:Tariff/s:TerminationPpm"><xsl:call-template name="ppm-pct"><xsl:with-param name="ppm" select="$h/s:Tariff/s:TerminationPpm"/></xsl:call-template> of the weighted cohort</xsl:when>
                  <xsl:otherwise>never</xsl:otherwise>
                </xsl:choose></td></tr>
            </xsl:if>
          </xsl:if>
          <xsl:for-each select="$h/s:Tariff/s:NeedUplift">
            <tr><th scope="row">Complex-needs uplift <xsl:value-of select="@need"/></th>
              <td class="num">+<xsl:call-template name="bp-weight"><xsl:with-param name="bp" select="@bp"/></xsl:call-template></td></tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>

  <xsl:template name="payment-section">
    <section id="payment" aria-labelledby="payment-h">
      <h2 id="payment-h">Payment summary</h2>
      <p class="headline">
        Amount due this period:
        <strong class="amount-due">
          <xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:AmountDuePence"/></xsl:call-template>
        </strong>
        <xsl:if test="starts-with(normalize-space($sum/s:AmountDuePence), '-')">
          <span class="muted"> (negative: owed back by the provider)</span>
        </xsl:if>
      </p>
      <p class="earned">
        The cohort earned <strong><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:TotalPence"/></xsl:call-template></strong>
        <xsl:if test="$ar">; the annual reconciliation of <xsl:value-of select="$ar/@year"/> adds a true-up of
          <strong><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:TrueUpPence"/></xsl:call-template></strong>
          for the whole contract</xsl:if>;
        the period is worth <strong><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:PeriodDuePence"/></xsl:call-template></strong>
        <xsl:choose>
          <xsl:when test="$h/s:Kind = 'RESTATEMENT' and $sum/s:PreviousPeriodDuePence">,
            of which <xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:PreviousPeriodDuePence"/></xsl:call-template>
            was due under <xsl:value-of select="$h/s:Supersedes"/></xsl:when>
          <xsl:when test="$sum/s:AdvanceNettedPence and number($sum/s:AdvanceNettedPence) != 0">,
            less <xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:AdvanceNettedPence"/></xsl:call-template>
            of advances already paid</xsl:when>
        </xsl:choose>.
      </p>
      <table class="narrow money">
        <caption>Cohort <xsl:value-of select="$c/@quarter"/> payment, in pounds</caption>
        <thead>
          <tr><th scope="col">Item</th><th scope="col" class="num">Amount</th></tr>
        </thead>
        <tbody>
          <tr><th scope="row">Binary hurdle met</th>
            <td class="num"><xsl:call-template name="yesno"><xsl:with-param name="b" select="$c/s:BinaryHurdleMet"/></xsl:call-template></td></tr>
          <tr><th scope="row">Frequency gate open</th>
            <td class="num"><xsl:call-template name="yesno"><xsl:with-param name="b" select="$c/s:FrequencyGateOpen"/></xsl:call-template></td></tr>
          <tr><th scope="row">Binary payment (after cap)</th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:BinaryPence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Frequency payment (after cap)</th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:FrequencyPence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Cut by the cohort cap</th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:CapCutPence"/></xsl:call-template></td></tr>
          <xsl:if test="$c/s:DeductionPence">
            <tr><th scope="row">Less: deduction for a significant rise in reoffending</th>
              <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:DeductionPence"/></xsl:call-template></td></tr>
          </xsl:if>
          <tr class="total"><th scope="row">Cohort total</th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:TotalPence"/></xsl:call-template></td></tr>
          <xsl:if test="$ar">
            <tr><th scope="row">Annual reconciliation <xsl:value-of select="$ar/@year"/> true-up</th>
              <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:TrueUpPence"/></xsl:call-template></td></tr>
          </xsl:if>
          <tr class="total"><th scope="row">Period due</th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:PeriodDuePence"/></xsl:call-template></td></tr>
          <xsl:if test="$sum/s:PreviousTotalPence">
            <tr><th scope="row">Cohort total of the superseded statement <xsl:value-of select="$h/s:Supersedes"/></th>
              <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:PreviousTotalPence"/></xsl:call-template></td></tr>
          </xsl:if>
          <xsl:if test="$sum/s:PreviousPeriodDuePence">
            <tr><th scope="row">Less: period due of the superseded statement <xsl:value-of select="$h/s:Supersedes"/> (already paid)</th>
              <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:PreviousPeriodDuePence"/></xsl:call-template></td></tr>
          </xsl:if>
          <xsl:if test="$sum/s:AdvanceNettedPence">
            <tr><th scope="row">Less: advances already paid for the cohort's months, netted</th>
              <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:AdvanceNettedPence"/></xsl:call-template></td></tr>
          </xsl:if>
          <tr class="grand"><th scope="row">Amount due
              <xsl:if test="$h/s:Kind = 'RESTATEMENT'"> (period due less the superseded statement's period due)</xsl:if></th>
            <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$sum/s:AmountDuePence"/></xsl:call-template></td></tr>
        </tbody>
      </table>
      <p class="note">
        Cohort: <xsl:call-template name="count"><xsl:with-param name="n" select="$c/s:Members"/><xsl:with-param name="one" select="'person'"/><xsl:with-param name="many" select="'people'"/></xsl:call-template> accepted,
        <xsl:call-template name="count"><xsl:with-param name="n" select="$c/s:Rejected"/><xsl:with-param name="one" select="'row'"/><xsl:with-param name="many" select="'rows'"/></xsl:call-template> rejected;
        weighted size <xsl:call-template name="bp-weight"><xsl:with-param name="bp" select="$c/s:WeightedSize"/></xsl:call-template>.
        Expected reoffending <xsl:call-template name="rate"><xsl:with-param name="g" select="$c"/><xsl:with-param name="what" select="'eb'"/></xsl:call-template>,
        actual <xsl:call-template name="rate"><xsl:with-param name="g" select="$c"/><xsl:with-param name="what" select="'ab'"/></xsl:call-template>,
        improvement <xsl:call-template name="rate"><xsl:with-param name="g" select="$c"/><xsl:with-param name="what" select="'b'"/></xsl:call-template>
        (hurdle <xsl:call-template name="ppm-pct"><xsl:with-param name="ppm" select="$h/s:Tariff/s:BinaryHurdlePpm"/></xsl:call-template>).
      </p>
    </section>
  </xsl:template>

  <!-- SPEC 5a in words a regulator reads: the fall or rise, z = B / sqrt(V)
       to two decimals (display only, a floating-point square root), whether
       the exact integer test found it significant, the deduction and the
       termination flag; per PCC area too.  The verdict for the contract and
       the pool is the statement's BinarySignificant (the exact test); for
       an area, which carries no test of its own, it is |z| against the
       tariff's z, for reading only. -->
  <xsl:template name="significance-section">
    <xsl:variable name="zc" select="number($h/s:Tariff/s:SignificanceZMilli) div 1000"/>
    <xsl:variable name="sigmode" select="$c/s:BinaryMode = 'significance'"/>
    <section id="significance" aria-labelledby="significance-h">
      <h2 id="significance-h">Is the change significant?</h2>
      <p class="note">
        <xsl:choose>
          <xsl:when test="$sigmode">This tariff pays for reoffending only when its fall against
            prediction is statistically significant, and deducts money when a rise is. </xsl:when>
          <xsl:otherwise>This tariff pays on a fixed hurdle; the significance test is shown for
            information and changes no payment. </xsl:otherwise>
        </xsl:choose>
        The test compares the weighted improvement B with the spread chance alone would give it,
        the square root of V = Σ w² p (1 − p): the change is significant when
        |z| = |B| / √V is at least <xsl:value-of select="format-number($zc, '0.00#')"/>
        <xsl:if test="$h/s:Tariff/s:SignificanceZMilli = 1960"> (95 %, two-sided)</xsl:if>.
        The engine decides it exactly in integers (B² · 10⁶ ≥ z² · V); z on this page is rounded
        for reading.</p>
      <div class="verdict">
        <xsl:call-template name="sig-words">
          <xsl:with-param name="g" select="$c"/>
          <xsl:with-param name="what" select="concat('Cohort ', $c/@quarter)"/>
          <xsl:with-param name="significant" select="string($c/s:BinarySignificant)"/>
          <xsl:with-param name="zc" select="$zc"/>
        </xsl:call-template>
        <xsl:if test="$sigmode">
          <p><xsl:choose>
            <xsl:when test="number($c/s:DeductionPence) &gt; 0">
              <strong>Deduction: <xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:DeductionPence"/></xsl:call-template></strong>
              for a significant rise (the deduction price per weighted person, capped at
              <xsl:call-template name="pounds"><xsl:with-param name="p" select="$h/s:Tariff/s:DeductionCapPence"/></xsl:call-template>).</xsl:when>
            <xsl:when test="$c/s:BinarySignificant = 'true' and $c/s:BinaryHurdleMet = 'true'">No deduction: a significant fall is paid.</xsl:when>
            <xsl:otherwise>No payment for the binary measure and no deduction: the change could be chance.</xsl:otherwise>
          </xsl:choose>
          <xsl:text> </xsl:text>
          <xsl:choose>
            <xsl:when test="$c/s:TerminationFlag = 'true'"><strong class="bad">Termination flag raised</strong>: the
              rise is at least <xsl:call-template name="ppm-pct"><xsl:with-param name="ppm" select="$h/s:Tariff/s:TerminationPpm"/></xsl:call-template> of the weighted cohort.</xsl:when>
            <xsl:when test="$h/s:Tariff/s:TerminationPpm">Termination flag: not raised
              (threshold <xsl:call-template name="ppm-pct"><xsl:with-param name="ppm" select="$h/s:Tariff/s:TerminationPpm"/></xsl:call-template> of the weighted cohort).</xsl:when>
            <xsl:otherwise>The tariff sets no termination threshold.</xsl:otherwise>
          </xsl:choose></p>
        </xsl:if>
        <xsl:if test="$ar/s:BinaryVariance">
          <xsl:call-template name="sig-words">
            <xsl:with-param name="g" select="$ar"/>
            <xsl:with-param name="what" select="concat('The year ', $ar/@year, ' pooled (', $ar/s:Cohorts, ' cohorts)')"/>
            <xsl:with-param name="significant" select="string($ar/s:BinarySignificant)"/>
            <xsl:with-param name="zc" select="$zc"/>
          </xsl:call-template>
          <xsl:if test="$sigmode">
            <p>Annual reconciliation: deduction
              <strong><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:DeductionPence"/></xsl:call-template></strong>
              (cap <xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:DeductionCapPence"/></xsl:call-template>);
              termination flag <xsl:choose><xsl:when test="$ar/s:TerminationFlag = 'true'"><strong class="bad">raised</strong></xsl:when><xsl:otherwise>not raised</xsl:otherwise></xsl:choose>.</p>
          </xsl:if>
        </xsl:if>
      </div>
      <table class="narrow">
        <caption>The test by PCC area (the contract's test decides the money; an area's verdict is for reading)</caption>
        <thead>
          <tr>
            <th scope="col">PCC area</th>
            <th scope="col" class="num">Change against prediction</th>
            <th scope="col" class="num">z</th>
            <th scope="col">Verdict</th>
            <xsl:if test="$sigmode"><th scope="col" class="num">Deduction attributed</th></xsl:if>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="$c/s:PccArea">
            <xsl:variable name="z">
              <xsl:call-template name="z"><xsl:with-param name="g" select="."/></xsl:call-template>
            </xsl:variable>
            <tr>
              <th scope="row" class="name"><xsl:value-of select="@name"/><span class="code"> (<xsl:value-of select="@code"/>)</span></th>
              <td class="num"><xsl:call-template name="change"><xsl:with-param name="g" select="."/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="z-text"><xsl:with-param name="z" select="$z"/></xsl:call-template></td>
              <td><xsl:call-template name="z-verdict"><xsl:with-param name="g" select="."/><xsl:with-param name="z" select="$z"/><xsl:with-param name="zc" select="$zc"/></xsl:call-template></td>
              <xsl:if test="$sigmode">
                <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="s:DeductionPence"/></xsl:call-template></td>
              </xsl:if>
            </tr>
          </xsl:for-each>
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Contract</th>
            <td class="num"><xsl:call-template name="change"><xsl:with-param name="g" select="$c"/></xsl:call-template></td>
            <td class="num"><xsl:call-template name="z-text"><xsl:with-param name="z"><xsl:call-template name="z"><xsl:with-param name="g" select="$c"/></xsl:call-template></xsl:with-param></xsl:call-template></td>
            <td><xsl:choose>
              <xsl:when test="$c/s:BinarySignificant = 'true'">significant</xsl:when>
              <xsl:otherwise>could be chance</xsl:otherwise></xsl:choose></td>
            <xsl:if test="$sigmode">
              <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:DeductionPence"/></xsl:call-template></td>
            </xsl:if>
          </tr>
        </tfoot>
      </table>
    </section>
  </xsl:template>

  <!-- One paragraph: "Cohort 2024Q4: reoffending rose 40.0 points above
       prediction; z = -3.77: significant at 95 %." -->
  <xsl:template name="sig-words">
    <xsl:param name="g"/>
    <xsl:param name="what"/>
    <xsl:param name="significant"/>
    <xsl:param name="zc"/>
    <xsl:variable name="z"><xsl:call-template name="z"><xsl:with-param name="g" select="$g"/></xsl:call-template></xsl:variable>
    <p class="sig"><strong><xsl:value-of select="$what"/>:</strong>
      <xsl:text> </xsl:text>
      <xsl:call-template name="change-words"><xsl:with-param name="g" select="$g"/></xsl:call-template>
      <xsl:text>; z = </xsl:text>
      <xsl:call-template name="z-text"><xsl:with-param name="z" select="$z"/></xsl:call-template>
      <xsl:text>: </xsl:text>
      <strong>
        <xsl:choose>
          <xsl:when test="$significant = 'true'">
            <xsl:text>significant</xsl:text>
            <xsl:choose>
              <xsl:when test="$h/s:Tariff/s:SignificanceZMilli = 1960"> at 95 %</xsl:when>
              <xsl:otherwise> (|z| at least <xsl:value-of select="format-number($zc, '0.00#')"/>)</xsl:otherwise>
            </xsl:choose>
          </xsl:when>
          <xsl:otherwise>could be chance</xsl:otherwise>
        </xsl:choose>
      </strong>

      <xsl:text>.</xsl:text>
    </p>
  </xsl:template>

  <!-- "fell 7.5 points below prediction" / "rose ..." / "was as predicted" -->
  <xsl:template name="change-words">
    <xsl:param name="g"/>
    <xsl:variable name="b" select="number($g/s:BinaryImprovement)"/>
    <xsl:variable name="w" select="number($g/s:WeightedSize)"/>
    <xsl:choose>
      <xsl:when test="not($w &gt; 0)">no members</xsl:when>
      <xsl:when test="$b &gt; 0">reoffending <strong>fell</strong>
        <xsl:value-of select="format-number($b div $w div 10000, ' 0.0')"/> points below prediction</xsl:when>
      <xsl:when test="$b &lt; 0">reoffending <strong>rose</strong>
        <xsl:value-of select="format-number(-$b div $w div 10000, ' 0.0')"/> points above prediction</xsl:when>
      <xsl:otherwise>reoffending was exactly as predicted</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="change">
    <xsl:param name="g"/>
    <xsl:variable name="b" select="number($g/s:BinaryImprovement)"/>
    <xsl:variable name="w" select="number($g/s:WeightedSize)"/>
    <xsl:choose>
      <xsl:when test="not($w &gt; 0)">–</xsl:when>
      <xsl:when test="$b &gt; 0">fell <xsl:value-of select="format-number($b div $w div 10000, '0.0')"/> pts</xsl:when>
      <xsl:when test="$b &lt; 0">rose <xsl:value-of select="format-number(-$b div $w div 10000, '0.0')"/> pts</xsl:when>
      <xsl:otherwise>none</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- z = B / sqrt(V) as a number, or '' when V = 0 (then any B != 0 is
       significant and z is unbounded) or there are no members.  Display
       only: doubles. -->
  <xsl:template name="z">
    <xsl:param name="g"/>
    <xsl:variable name="v" select="number($g/s:BinaryVariance)"/>
    <xsl:if test="$v &gt; 0">
      <xsl:variable name="root"><xsl:call-template name="sqrt"><xsl:with-param name="x" select="$v"/></xsl:call-template></xsl:variable>
      <xsl:value-of select="number($g/s:BinaryImprovement) div number($root)"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="z-text">
    <xsl:param name="z"/>
    <xsl:choose>
      <xsl:when test="string($z) = '' or string(number($z)) = 'NaN'">–</xsl:when>
      <xsl:when test="number($z) &lt; 0">−<xsl:value-of select="format-number(-number($z), '0.00')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number(number($z), '0.00')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="z-verdict">
    <xsl:param name="g"/>
    <xsl:param name="z"/>
    <xsl:param name="zc"/>
    <xsl:variable name="b" select="number($g/s:BinaryImprovement)"/>
    <xsl:choose>
      <xsl:when test="not(number($g/s:WeightedSize) &gt; 0)">no members</xsl:when>
      <xsl:when test="$b = 0">no change</xsl:when>
      <xsl:when test="string($z) = ''">significant (V = 0)</xsl:when>
      <xsl:when test="number($z) &gt;= $zc or -number($z) &gt;= $zc">significant</xsl:when>
      <xsl:otherwise>could be chance</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Square root by Newton's method (display only) -->
  <xsl:template name="sqrt">
    <xsl:param name="x"/>
    <xsl:param name="r" select="$x div 2 + 0.5"/>
    <xsl:param name="i" select="0"/>
    <xsl:variable name="next" select="($r + $x div $r) div 2"/>
    <xsl:choose>
      <xsl:when test="$i &gt;= 200 or $next = $r or ($next &gt; $r and $i &gt; 0)"><xsl:value-of select="$next"/></xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="sqrt">
          <xsl:with-param name="x" select="$x"/>
          <xsl:with-param name="r" select="$next"/>
          <xsl:with-param name="i" select="$i + 1"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="pcc-section">
    <section id="pcc" aria-labelledby="pcc-h">
      <h2 id="pcc-h">Reoffending and payment by Police and Crime Commissioner area</h2>
      <p class="note">Weighted rates: each person counts with their complex-needs weight.
        Expected is the predicted proven-reoffending rate, actual the observed one; a lower actual bar is better.</p>
      <div class="pair">
        <figure>
          <xsl:call-template name="chart">
            <xsl:with-param name="groups" select="$c/s:PccArea"/>
            <xsl:with-param name="id" select="'pcc-chart'"/>
            <xsl:with-param name="title" select="concat('Expected and actual proven reoffending rate by PCC area, cohort ', $c/@quarter)"/>
          </xsl:call-template>
          <figcaption>Expected and actual weighted proven-reoffending rate by PCC area.
            The table gives the same figures.</figcaption>
        </figure>
        <div class="scroll">
          <table>
            <caption>Cohort <xsl:value-of select="$c/@quarter"/> by PCC area: reoffending against prediction</caption>
            <thead>
              <xsl:call-template name="sums-head">
                <xsl:with-param name="first" select="'PCC area'"/>
                <xsl:with-param name="money" select="false()"/>
              </xsl:call-template>
            </thead>
            <tbody>
              <xsl:for-each select="$c/s:PccArea">
                <xsl:call-template name="sums-row">
                  <xsl:with-param name="g" select="."/>
                  <xsl:with-param name="label" select="string(@name)"/>
                  <xsl:with-param name="code" select="string(@code)"/>
                  <xsl:with-param name="money" select="false()"/>
                </xsl:call-template>
              </xsl:for-each>
            </tbody>
            <tfoot>
              <xsl:call-template name="sums-row">
                <xsl:with-param name="g" select="$c"/>
                <xsl:with-param name="label" select="'Contract total'"/>
                <xsl:with-param name="money" select="false()"/>
              </xsl:call-template>
            </tfoot>
          </table>
          <table class="narrow money">
            <caption>Cohort <xsl:value-of select="$c/@quarter"/>: payment attributed to each PCC area, in pounds</caption>
            <thead>
              <tr>
                <th scope="col">PCC area</th>
                <th scope="col" class="num">Binary payment</th>
                <th scope="col" class="num">Frequency payment</th>
                <xsl:if test="$c/s:DeductionPence"><th scope="col" class="num">Less: deduction</th></xsl:if>
                <th scope="col" class="num">Total payment</th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="$c/s:PccArea">
                <tr>
                  <th scope="row" class="name"><xsl:value-of select="@name"/><span class="code"> (<xsl:value-of select="@code"/>)</span></th>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="s:BinaryPence"/></xsl:call-template></td>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="s:FrequencyPence"/></xsl:call-template></td>
                  <xsl:if test="$c/s:DeductionPence"><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="s:DeductionPence"/></xsl:call-template></td></xsl:if>
                  <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="s:TotalPence"/></xsl:call-template></td>
                </tr>
              </xsl:for-each>
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Cohort total</th>
                <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:BinaryPence"/></xsl:call-template></td>
                <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:FrequencyPence"/></xsl:call-template></td>
                <xsl:if test="$c/s:DeductionPence"><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:DeductionPence"/></xsl:call-template></td></xsl:if>
                <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:TotalPence"/></xsl:call-template></td>
              </tr>
            </tfoot>
          </table>
          <p class="note">Binary payment is shared in proportion to each area's positive binary
            improvement, frequency payment to its positive frequency improvement<xsl:if test="$c/s:DeductionPence">,
            a deduction to its rise (its negative binary improvement)</xsl:if> (largest remainder,
            whole pence).<xsl:if test="$ar"> The annual true-up of
            <xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:TrueUpPence"/></xsl:call-template>
            belongs to the whole contract and is not attributed to areas.</xsl:if></p>
        </div>
      </div>
    </section>
  </xsl:template>

  <xsl:template name="needs-section">
    <section id="needs" aria-labelledby="needs-h">
      <h2 id="needs-h">Complex needs: is improvement only among the easy cases?</h2>
      <p class="note">Members grouped by the number of distinct complex needs recorded
        (0, 1–2, 3 or more). A provider working only with the easy cases shows its
        improvement in band 0 and none in band 3+. These bands carry no money.</p>
      <div class="pair">
        <figure>
          <xsl:call-template name="chart">
            <xsl:with-param name="groups" select="$c/s:NeedsBand"/>
            <xsl:with-param name="id" select="'needs-chart'"/>
            <xsl:with-param name="title" select="concat('Expected and actual proven reoffending rate by number of complex needs, cohort ', $c/@quarter)"/>
          </xsl:call-template>
          <figcaption>Expected and actual weighted proven-reoffending rate by needs band.
            The table gives the same figures.</figcaption>
        </figure>
        <div class="scroll">
          <table>
            <caption>Cohort <xsl:value-of select="$c/@quarter"/> by number of complex needs</caption>
            <thead>
              <xsl:call-template name="sums-head">
                <xsl:with-param name="first" select="'Needs'"/>
                <xsl:with-param name="money" select="false()"/>
                <xsl:with-param name="share" select="true()"/>
              </xsl:call-template>
            </thead>
            <tbody>
              <xsl:for-each select="$c/s:NeedsBand">
                <xsl:call-template name="sums-row">
                  <xsl:with-param name="g" select="."/>
                  <xsl:with-param name="label" select="concat(@band, ' needs')"/>
                  <xsl:with-param name="money" select="false()"/>
                  <xsl:with-param name="share" select="true()"/>
                </xsl:call-template>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </div>
    </section>
  </xsl:template>

  <!-- The parking and cherry-picking monitor (docs/STATEMENT.md, "The
       monitor"): oversight only, no money.  Only when the statement has a
       Monitor element. -->
  <xsl:template name="monitor-section">
    <xsl:variable name="bl" select="$mon/s:Baseline"/>
    <xsl:variable name="nb" select="number($bl/@cohorts)"/>
    <xsl:variable name="lo" select="number($mon/s:BinaryRateCi95LowPpm)"/>
    <xsl:variable name="hi" select="number($mon/s:BinaryRateCi95HighPpm)"/>
    <section id="monitor" aria-labelledby="monitor-h">
      <h2 id="monitor-h">Who benefits: needs mix and significance</h2>
      <p class="note">A provider paid on a binary measure may be tempted to work with the
        easy cases and neglect people with complex needs. This monitor compares this
        cohort with the contract's previous cohorts and checks whether the improvement is
        more than chance. It is for oversight only: no payment depends on it.</p>

      <xsl:choose>
        <xsl:when test="$mon/s:Flag">
          <div class="flags" role="note" aria-labelledby="monitor-flags-h">
            <h3 id="monitor-flags-h">Warning: <xsl:value-of select="count($mon/s:Flag)"/>
              monitor flag<xsl:if test="count($mon/s:Flag) != 1">s</xsl:if> raised</h3>
            <ul>
              <xsl:for-each select="$mon/s:Flag">
                <li>
                  <strong><code><xsl:value-of select="@code"/></code></strong> —
                  <xsl:call-template name="flag-meaning"><xsl:with-param name="code" select="@code"/></xsl:call-template>
                  <span class="what">Detail: <xsl:value-of select="."/></span>
                </li>
              </xsl:for-each>
            </ul>
          </div>
        </xsl:when>
        <xsl:otherwise>
          <p class="noflags"><strong>No flags raised</strong> — no drift in the needs mix or
            in predicted risk beyond the thresholds, and the improvement is not concentrated
            in the 0-needs band while the 3+ band did worse than predicted.</p>
        </xsl:otherwise>
      </xsl:choose>

      <h3>Is the improvement more than chance?</h3>
      <p class="sig">Binary improvement rate (weighted, predicted less actual):
        <strong><xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="$mon/s:BinaryRatePpm"/></xsl:call-template></strong>,
        95 % interval
        <strong><xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="$lo"/></xsl:call-template></strong>
        to <strong><xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="$hi"/></xsl:call-template></strong>.
        <xsl:choose>
          <xsl:when test="$lo &lt;= 0 and $hi &gt;= 0">
            <strong>The interval contains 0: the improvement may be chance.</strong>
            A cohort this size could show it even if the provider made no difference.
          </xsl:when>
          <xsl:when test="$lo &gt; 0">
            The whole interval is above 0: the improvement is unlikely to be chance alone.
          </xsl:when>
          <xsl:otherwise>
            <strong>The whole interval is below 0:</strong> more people reoffended than
            predicted, by more than chance alone would readily explain.
          </xsl:otherwise>
        </xsl:choose>
      </p>
      <p class="note">Normal approximation, each member's reoffending taken as a chance
        event with the predicted probability; the interval is the rate ± 1.96 standard errors.</p>

      <h3>Needs mix and predicted risk against the baseline</h3>
      <p class="note">
        <xsl:choose>
          <xsl:when test="$nb &gt; 0">
            Baseline: the <xsl:value-of select="$nb"/> previous
            cohort<xsl:if test="$nb != 1">s</xsl:if> of this contract, pooled — statements
            <xsl:call-template name="comma-list"><xsl:with-param name="v" select="string($bl/@statements)"/></xsl:call-template>.
          </xsl:when>
          <xsl:otherwise>
            <strong>No baseline:</strong> this contract has no statement in force for the
            four periods before this one, so the needs mix and predicted risk cannot have
            drifted and no drift flag can be raised.
          </xsl:otherwise>
        </xsl:choose>
        Shares are of members (not weighted); the mean predicted probability is weighted.
      </p>
      <div class="pair side">
        <figure>
          <xsl:call-template name="share-chart">
            <xsl:with-param name="id" select="'monitor-chart'"/>
          </xsl:call-template>
          <figcaption>Share of members by number of complex needs, this cohort against the
            baseline. The table gives the same figures.</figcaption>
        </figure>
        <div class="scroll">
          <table class="narrow">
            <caption>Cohort <xsl:value-of select="$c/@quarter"/>
              <xsl:choose>
                <xsl:when test="$nb &gt; 0"> against the baseline of <xsl:value-of select="$nb"/> cohort<xsl:if test="$nb != 1">s</xsl:if></xsl:when>
                <xsl:otherwise> (no baseline)</xsl:otherwise>
              </xsl:choose>
            </caption>
            <thead>
              <tr>
                <th scope="col">Measure</th>
                <th scope="col" class="num">This cohort</th>
                <th scope="col" class="num">Baseline</th>
                <th scope="col" class="num">Change</th>
                <th scope="col">Against the limit</th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="$bl/s:NeedsBandShare">
                <xsl:call-template name="monitor-row">
                  <xsl:with-param name="label" select="concat('Share with ', @band, ' needs')"/>
                  <xsl:with-param name="cur" select="number(@currentPpm)"/>
                  <xsl:with-param name="base" select="number(@baselinePpm)"/>
                  <xsl:with-param name="nb" select="$nb"/>
                  <xsl:with-param name="limit" select="number($mon/s:Threshold[@name = 'needs_mix_drift_ppm']/@ppm)"/>
                </xsl:call-template>
              </xsl:for-each>
              <xsl:call-template name="monitor-row">
                <xsl:with-param name="label" select="'Mean predicted probability'"/>
                <xsl:with-param name="cur" select="number($bl/s:MeanPredictedBinary/@currentPpm)"/>
                <xsl:with-param name="base" select="number($bl/s:MeanPredictedBinary/@baselinePpm)"/>
                <xsl:with-param name="nb" select="$nb"/>
                <xsl:with-param name="limit" select="number($mon/s:Threshold[@name = 'risk_drift_ppm']/@ppm)"/>
              </xsl:call-template>
            </tbody>
          </table>
        </div>
      </div>

      <table class="narrow">
        <caption>Thresholds in force (pbr.monitor_threshold, copied into the statement)</caption>
        <thead>
          <tr><th scope="col">Threshold</th><th scope="col" class="num">Value</th><th scope="col">A flag is raised when</th></tr>
        </thead>
        <tbody>
          <xsl:for-each select="$mon/s:Threshold">
            <tr>
              <th scope="row"><code><xsl:value-of select="@name"/></code></th>
              <td class="num"><xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="@ppm"/></xsl:call-template></td>
              <td>
                <xsl:choose>
                  <xsl:when test="@name = 'needs_mix_drift_ppm'"><code>NEEDS_MIX_DRIFT</code>: a needs band's share of members moves by more than this against the baseline</xsl:when>
                  <xsl:when test="@name = 'risk_drift_ppm'"><code>RISK_DRIFT</code>: the mean predicted reoffending probability moves by more than this against the baseline</xsl:when>
                  <xsl:when test="@name = 'easy_cases_share_ppm'"><code>EASY_CASES_ONLY</code>: the 0-needs band holds at least this share of the positive binary improvement while the 3+ band did worse than predicted<xsl:call-template name="easy-share"/></xsl:when>
                  <xsl:otherwise>unknown threshold</xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>

  <!-- One row of the monitor table: a share or mean, current vs baseline. -->
  <xsl:template name="monitor-row">
    <xsl:param name="label"/>
    <xsl:param name="cur"/>
    <xsl:param name="base"/>
    <xsl:param name="nb"/>
    <xsl:param name="limit"/>
    <xsl:variable name="d" select="$cur - $base"/>
    <tr>
      <th scope="row"><xsl:value-of select="$label"/></th>
      <td class="num"><xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="$cur"/></xsl:call-template></td>
      <xsl:choose>
        <xsl:when test="$nb &gt; 0">
          <td class="num"><xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="$base"/></xsl:call-template></td>
          <td class="num"><xsl:if test="$d &gt; 0">+</xsl:if><xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="$d"/><xsl:with-param name="unit" select="' pts'"/></xsl:call-template></td>
          <td>
            <xsl:choose>
              <xsl:when test="$d &gt; $limit or -$d &gt; $limit"><span class="over">over</span></xsl:when>
              <xsl:otherwise>within</xsl:otherwise>
            </xsl:choose>
            <xsl:text> ±</xsl:text>
            <xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="$limit"/><xsl:with-param name="unit" select="' pts'"/></xsl:call-template>
          </td>
        </xsl:when>
        <xsl:otherwise>
          <td class="num">–</td><td class="num">–</td>
          <td class="muted">no baseline</td>
        </xsl:otherwise>
      </xsl:choose>
    </tr>
  </xsl:template>

  <!-- ", this cohort: X% from band 0 (band 3+ ...)" for the easy-cases row;
       display only, from the NeedsBand sums. -->
  <xsl:template name="easy-share">
    <xsl:variable name="b0" select="number($c/s:NeedsBand[@band = '0']/s:BinaryImprovement)"/>
    <xsl:variable name="b3" select="number($c/s:NeedsBand[@band = '3+']/s:BinaryImprovement)"/>
    <xsl:variable name="pos" select="sum($c/s:NeedsBand/s:BinaryImprovement[number(.) &gt; 0])"/>
    <xsl:text>. This cohort: </xsl:text>
    <xsl:choose>
      <xsl:when test="$pos &gt; 0">
        <xsl:choose>
          <xsl:when test="$b0 &gt; 0"><xsl:value-of select="format-number($b0 div $pos * 100, '0.0')"/>%</xsl:when>
          <xsl:otherwise>none</xsl:otherwise>
        </xsl:choose>
        <xsl:text> of the positive improvement from the 0-needs band</xsl:text>
      </xsl:when>
      <xsl:otherwise>no band improved</xsl:otherwise>
    </xsl:choose>
    <xsl:text>; the 3+ band did </xsl:text>
    <xsl:choose>
      <xsl:when test="$b3 &lt; 0">worse than predicted</xsl:when>
      <xsl:when test="$b3 &gt; 0">better than predicted</xsl:when>
      <xsl:otherwise>as predicted (or has no members)</xsl:otherwise>
    </xsl:choose>
    <xsl:text>.</xsl:text>
  </xsl:template>

  <!-- SVG: share of members per needs band, this cohort (dark) and the
       baseline (light, when there is one); scale 0 to 100 %. -->
  <xsl:template name="share-chart">
    <xsl:param name="id"/>
    <xsl:variable name="bl" select="$mon/s:Baseline"/>
    <xsl:variable name="nb" select="number($bl/@cohorts)"/>
    <xsl:variable name="label-w" select="80"/>
    <xsl:variable name="plot-w" select="300"/>
    <xsl:variable name="top" select="34"/>
    <xsl:variable name="row-h" select="46"/>
    <xsl:variable name="bar-h" select="15"/>
    <xsl:variable name="n" select="count($bl/s:NeedsBandShare)"/>
    <xsl:variable name="height" select="$top + $n * $row-h + 28"/>
    <xsl:variable name="width" select="$label-w + $plot-w + 70"/>
    <svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart"
         viewBox="0 0 {$width} {$height}" width="{$width}" height="{$height}"
         aria-labelledby="{$id}-title {$id}-desc">
      <title id="{$id}-title">Share of members by number of complex needs, cohort <xsl:value-of select="$c/@quarter"/>
        <xsl:choose>
          <xsl:when test="$nb &gt; 0"> against the baseline of <xsl:value-of select="$nb"/> previous cohorts</xsl:when>
          <xsl:otherwise> (no baseline)</xsl:otherwise>
        </xsl:choose>
      </title>
      <desc id="{$id}-desc">
        <xsl:for-each select="$bl/s:NeedsBandShare">
          <xsl:value-of select="@band"/>
          <xsl:text> needs: this cohort </xsl:text>
          <xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="@currentPpm"/></xsl:call-template>
          <xsl:if test="$nb &gt; 0">
            <xsl:text>, baseline </xsl:text>
            <xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="@baselinePpm"/></xsl:call-template>
          </xsl:if>
          <xsl:if test="position() != last()">; </xsl:if>
        </xsl:for-each>
        <xsl:text>.</xsl:text>
      </desc>

      <rect x="{$label-w}" y="6" width="14" height="12" class="bar-cur"/>
      <text x="{$label-w + 20}" y="16" class="legend">This cohort</text>
      <rect x="{$label-w + 130}" y="6" width="14" height="12" class="bar-base"/>
      <text x="{$label-w + 150}" y="16" class="legend">
        <xsl:choose>
          <xsl:when test="$nb &gt; 0">Baseline (<xsl:value-of select="$nb"/> cohort<xsl:if test="$nb != 1">s</xsl:if>)</xsl:when>
          <xsl:otherwise>Baseline: none</xsl:otherwise>
        </xsl:choose>
      </text>

      <xsl:call-template name="ticks">
        <xsl:with-param name="i" select="0"/>
        <xsl:with-param name="n" select="10"/>
        <xsl:with-param name="x0" select="$label-w"/>
        <xsl:with-param name="w" select="$plot-w"/>
        <xsl:with-param name="y0" select="$top - 4"/>
        <xsl:with-param name="y1" select="$top + $n * $row-h"/>
      </xsl:call-template>

      <xsl:for-each select="$bl/s:NeedsBandShare">
        <xsl:variable name="y" select="$top + (position() - 1) * $row-h + 6"/>
        <xsl:variable name="rc" select="number(@currentPpm) div 1000000"/>
        <xsl:variable name="rb" select="number(@baselinePpm) div 1000000"/>
        <text x="{$label-w - 8}" y="{$y + $bar-h + 4}" class="label" text-anchor="end"><xsl:value-of select="@band"/> needs</text>
        <rect x="{$label-w}" y="{$y}" height="{$bar-h}" class="bar-cur"
              width="{format-number($rc * $plot-w, '0.0')}"/>
        <text x="{format-number($label-w + $rc * $plot-w + 4, '0.#')}" y="{$y + $bar-h - 3}" class="value">
          <xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="@currentPpm"/></xsl:call-template></text>
        <xsl:if test="$nb &gt; 0">
          <rect x="{$label-w}" y="{$y + $bar-h + 2}" height="{$bar-h}" class="bar-base"
                width="{format-number($rb * $plot-w, '0.0')}"/>
          <text x="{format-number($label-w + $rb * $plot-w + 4, '0.#')}" y="{$y + 2 * $bar-h - 1}" class="value">
            <xsl:call-template name="ppm-pct2"><xsl:with-param name="ppm" select="@baselinePpm"/></xsl:call-template></text>
        </xsl:if>
      </xsl:for-each>
    </svg>
  </xsl:template>

  <xsl:template name="rejects-section">
    <xsl:variable name="rows" select="number($c/s:Members) + number($c/s:Rejected)"/>
    <section id="rejects" aria-labelledby="rejects-h">
      <h2 id="rejects-h">Rejected rows</h2>
      <p class="note">Rows of the cohort left out of the calculation, by reason
        (first reason that applies). Rejected:
        <xsl:call-template name="int"><xsl:with-param name="n" select="$c/s:Rejected"/></xsl:call-template>
        of <xsl:call-template name="count"><xsl:with-param name="n" select="$rows"/><xsl:with-param name="one" select="'row'"/><xsl:with-param name="many" select="'rows'"/></xsl:call-template>
        <xsl:if test="$rows &gt; 0">
          (<xsl:value-of select="format-number(number($c/s:Rejected) * 100 div $rows, '0.00')"/>%;
          limit <xsl:call-template name="ppm-pct"><xsl:with-param name="ppm" select="$h/s:Tariff/s:MaxRejectPpm"/></xsl:call-template>)</xsl:if>.
      </p>
      <table class="narrow">
        <caption>Rejected rows by reason</caption>
        <thead>
          <tr><th scope="col">Code</th><th scope="col">Meaning</th><th scope="col" class="num">Rows</th></tr>
        </thead>
        <tbody>
          <xsl:for-each select="$st/s:Rejects/s:Reason">
            <tr>
              <th scope="row"><code><xsl:value-of select="@code"/></code></th>
              <td><xsl:call-template name="reject-meaning"><xsl:with-param name="code" select="@code"/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="int"><xsl:with-param name="n" select="@count"/></xsl:call-template></td>
            </tr>
          </xsl:for-each>
        </tbody>
        <tfoot>
          <tr class="total"><th scope="row">Total</th><td></td>
            <td class="num"><xsl:call-template name="int"><xsl:with-param name="n" select="sum($st/s:Rejects/s:Reason/@count)"/></xsl:call-template></td></tr>
        </tfoot>
      </table>
    </section>
  </xsl:template>

  <xsl:template name="reconciliation-section">
    <section id="reconciliation" aria-labelledby="reconciliation-h">
      <h2 id="reconciliation-h">Annual reconciliation <xsl:value-of select="$ar/@year"/></h2>
      <p class="note">The <xsl:value-of select="$ar/s:Cohorts"/> cohorts of
        <xsl:value-of select="$ar/@year"/> pooled and settled once, with a cap of
        <xsl:value-of select="$ar/s:Cohorts"/> × the cohort cap. The true-up is the
        pooled entitlement less what the quarters were paid; a negative true-up is clawed back.</p>
      <table class="narrow money">
        <caption>Annual reconciliation <xsl:value-of select="$ar/@year"/>, in pounds</caption>
        <tbody>
          <tr><th scope="row">Cohorts pooled</th><td class="num"><xsl:value-of select="$ar/s:Cohorts"/></td></tr>
          <tr><th scope="row">Members</th><td class="num"><xsl:call-template name="int"><xsl:with-param name="n" select="$ar/s:Members"/></xsl:call-template></td></tr>
          <tr><th scope="row">Weighted size</th><td class="num"><xsl:call-template name="bp-weight"><xsl:with-param name="bp" select="$ar/s:WeightedSize"/></xsl:call-template></td></tr>
          <tr><th scope="row">Expected / actual reoffending rate</th>
            <td class="num"><xsl:call-template name="rate"><xsl:with-param name="g" select="$ar"/><xsl:with-param name="what" select="'eb'"/></xsl:call-template>
              / <xsl:call-template name="rate"><xsl:with-param name="g" select="$ar"/><xsl:with-param name="what" select="'ab'"/></xsl:call-template></td></tr>
          <tr><th scope="row">Expected / actual reoffences per person</th>
            <td class="num"><xsl:call-template name="rate"><xsl:with-param name="g" select="$ar"/><xsl:with-param name="what" select="'ef'"/></xsl:call-template>
              / <xsl:call-template name="rate"><xsl:with-param name="g" select="$ar"/><xsl:with-param name="what" select="'af'"/></xsl:call-template></td></tr>
          <tr><th scope="row">Binary hurdle met</th><td class="num"><xsl:call-template name="yesno"><xsl:with-param name="b" select="$ar/s:BinaryHurdleMet"/></xsl:call-template></td></tr>
          <tr><th scope="row">Frequency gate open</th><td class="num"><xsl:call-template name="yesno"><xsl:with-param name="b" select="$ar/s:FrequencyGateOpen"/></xsl:call-template></td></tr>
          <tr><th scope="row">Annual cap</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:CapPence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Binary payment (after cap)</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:BinaryPence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Frequency payment (after cap)</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:FrequencyPence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Cut by the annual cap</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:CapCutPence"/></xsl:call-template></td></tr>
          <tr class="total"><th scope="row">Pooled entitlement</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:EntitlementPence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Paid for Q1–Q3 (statements in force)</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:PreviouslyPaidPence"/></xsl:call-template></td></tr>
          <tr><th scope="row">Q4 cohort total, this statement</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$c/s:TotalPence"/></xsl:call-template></td></tr>
          <tr class="grand"><th scope="row">True-up</th><td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$ar/s:TrueUpPence"/></xsl:call-template></td></tr>
        </tbody>
      </table>
    </section>
  </xsl:template>

  <xsl:template name="integrity-section">
    <xsl:variable name="sig" select="$st/ds:Signature"/>
    <section id="integrity" aria-labelledby="integrity-h">
      <h2 id="integrity-h">Signature and digests</h2>
      <table class="narrow">
        <caption>Integrity of this statement</caption>
        <tbody>
          <tr><th scope="row">Input digest (<xsl:value-of select="$h/s:InputDigest/@algorithm"/>, cohort rows)</th>
            <td><code class="digest"><xsl:value-of select="$h/s:InputDigest"/></code></td></tr>
          <tr><th scope="row">Annex digest (<xsl:value-of select="$h/s:AnnexDigest/@algorithm"/>, <code><xsl:value-of select="$h/s:StatementId"/>-annex.csv</code>)</th>
            <td><code class="digest"><xsl:value-of select="$h/s:AnnexDigest"/></code></td></tr>
          <tr><th scope="row">XML signature</th>
            <td>
              <xsl:choose>
                <xsl:when test="$sig">present
                  <xsl:if test="$sig/ds:SignedInfo/ds:SignatureMethod/@Algorithm">
                    <span class="muted"> (<xsl:value-of select="$sig/ds:SignedInfo/ds:SignatureMethod/@Algorithm"/>)</span>
                  </xsl:if>
                </xsl:when>
                <xsl:otherwise>absent: this statement is not signed</xsl:otherwise>
              </xsl:choose>
            </td></tr>
          <tr><th scope="row">Signature check</th>
            <td><strong><xsl:value-of select="$signature_status"/></strong></td></tr>
        </tbody>
      </table>
      <p class="note">Anyone can recompute the input digest from the cohort rows
        (SPEC section 7) and the annex digest with <code>sha256sum</code>;
        <code>pbr-settle verify</code> checks the schema, the signature and every figure.</p>
    </section>
  </xsl:template>

  <xsl:template name="audit-section">
    <section id="audit" aria-labelledby="audit-h">
      <h2 id="audit-h">Figures as recorded</h2>
      <p class="note">The exact integer sums of the statement, for checking against the
        offender annex: W in basis points of weight, Eb and Ab in basis points × parts
        per million, Ef and Af in basis points × thousandths; B = Eb − Ab, F = Ef − Af.</p>
      <div class="scroll">
        <table class="audit">
          <caption>Exact sums by group</caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col" class="num">n</th>
              <th scope="col" class="num">W</th>
              <th scope="col" class="num">Eb</th>
              <th scope="col" class="num">Ab</th>
              <th scope="col" class="num">B</th>
              <th scope="col" class="num">Ef</th>
              <th scope="col" class="num">Af</th>
              <th scope="col" class="num">F</th>
            </tr>
          </thead>
          <tbody>
            <xsl:call-template name="audit-row">
              <xsl:with-param name="g" select="$c"/>
              <xsl:with-param name="label" select="concat('Cohort ', $c/@quarter)"/>
            </xsl:call-template>
            <xsl:for-each select="$c/s:PccArea">
              <xsl:call-template name="audit-row">
                <xsl:with-param name="g" select="."/>
                <xsl:with-param name="label" select="concat('PCC ', @code)"/>
              </xsl:call-template>
            </xsl:for-each>
            <xsl:for-each select="$c/s:NeedsBand">
              <xsl:call-template name="audit-row">
                <xsl:with-param name="g" select="."/>
                <xsl:with-param name="label" select="concat('Needs ', @band)"/>
              </xsl:call-template>
            </xsl:for-each>
            <xsl:if test="$ar">
              <xsl:call-template name="audit-row">
                <xsl:with-param name="g" select="$ar"/>
                <xsl:with-param name="label" select="concat('Year ', $ar/@year)"/>
              </xsl:call-template>
            </xsl:if>
          </tbody>
        </table>
      </div>
    </section>
  </xsl:template>

  <xsl:template name="audit-row">
    <xsl:param name="g"/>
    <xsl:param name="label"/>
    <tr>
      <th scope="row"><xsl:value-of select="$label"/></th>
      <td class="num"><xsl:value-of select="$g/s:Members"/></td>
      <td class="num"><xsl:value-of select="$g/s:WeightedSize"/></td>
      <td class="num"><xsl:value-of select="$g/s:ExpectedBinary"/></td>
      <td class="num"><xsl:value-of select="$g/s:ActualBinary"/></td>
      <td class="num"><xsl:value-of select="$g/s:BinaryImprovement"/></td>
      <td class="num"><xsl:value-of select="$g/s:ExpectedFrequency"/></td>
      <td class="num"><xsl:value-of select="$g/s:ActualFrequency"/></td>
      <td class="num"><xsl:value-of select="$g/s:FrequencyImprovement"/></td>
    </tr>
  </xsl:template>

  <!-- ================================================================
       Tables of sums (PCC areas, needs bands)
       ================================================================ -->

  <xsl:template name="sums-head">
    <xsl:param name="first"/>
    <xsl:param name="money" select="false()"/>
    <xsl:param name="share" select="false()"/>
    <tr>
      <th scope="col"><xsl:value-of select="$first"/></th>
      <th scope="col" class="num">Members</th>
      <xsl:if test="$share"><th scope="col" class="num">Share of members</th></xsl:if>
      <th scope="col" class="num">Weighted size</th>
      <th scope="col" class="num">Expected rate</th>
      <th scope="col" class="num">Actual rate</th>
      <th scope="col" class="num">Improvement</th>
      <th scope="col" class="num">Expected reoffences per person</th>
      <th scope="col" class="num">Actual reoffences per person</th>
      <xsl:if test="$money">
        <th scope="col" class="num">Binary payment</th>
        <th scope="col" class="num">Frequency payment</th>
        <th scope="col" class="num">Total payment</th>
      </xsl:if>
    </tr>
  </xsl:template>

  <xsl:template name="sums-row">
    <xsl:param name="g"/>
    <xsl:param name="label"/>
    <xsl:param name="code" select="''"/>
    <xsl:param name="money" select="false()"/>
    <xsl:param name="share" select="false()"/>
    <tr>
      <th scope="row" class="name"><xsl:value-of select="$label"/>
        <xsl:if test="$code != ''"><span class="code"> (<xsl:value-of select="$code"/>)</span></xsl:if></th>
      <td class="num"><xsl:call-template name="int"><xsl:with-param name="n" select="$g/s:Members"/></xsl:call-template></td>
      <xsl:if test="$share">
        <td class="num">
          <xsl:choose>
            <xsl:when test="number($c/s:Members) &gt; 0">
              <xsl:value-of select="format-number(number($g/s:Members) * 100 div number($c/s:Members), '0.0')"/>%</xsl:when>
            <xsl:otherwise>–</xsl:otherwise>
          </xsl:choose>
        </td>
      </xsl:if>
      <td class="num"><xsl:call-template name="bp-weight"><xsl:with-param name="bp" select="$g/s:WeightedSize"/></xsl:call-template></td>
      <td class="num"><xsl:call-template name="rate"><xsl:with-param name="g" select="$g"/><xsl:with-param name="what" select="'eb'"/></xsl:call-template></td>
      <td class="num"><xsl:call-template name="rate"><xsl:with-param name="g" select="$g"/><xsl:with-param name="what" select="'ab'"/></xsl:call-template></td>
      <td class="num"><xsl:call-template name="rate"><xsl:with-param name="g" select="$g"/><xsl:with-param name="what" select="'b'"/></xsl:call-template></td>
      <td class="num"><xsl:call-template name="rate"><xsl:with-param name="g" select="$g"/><xsl:with-param name="what" select="'ef'"/></xsl:call-template></td>
      <td class="num"><xsl:call-template name="rate"><xsl:with-param name="g" select="$g"/><xsl:with-param name="what" select="'af'"/></xsl:call-template></td>
      <xsl:if test="$money">
        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$g/s:BinaryPence"/></xsl:call-template></td>
        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$g/s:FrequencyPence"/></xsl:call-template></td>
        <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$g/s:TotalPence"/></xsl:call-template></td>
      </xsl:if>
    </tr>
  </xsl:template>

  <!-- ================================================================
       SVG chart: expected vs actual weighted binary reoffending rate,
       one pair of horizontal bars per group (PccArea or NeedsBand).
       ================================================================ -->

  <xsl:template name="chart">
    <xsl:param name="groups"/>
    <xsl:param name="id"/>
    <xsl:param name="title"/>

    <!-- largest rate shown, to choose the scale -->
    <xsl:variable name="max-e">
      <xsl:for-each select="$groups[number(s:WeightedSize) &gt; 0]">
        <xsl:sort select="number(s:ExpectedBinary) div number(s:WeightedSize)" data-type="number" order="descending"/>
        <xsl:if test="position() = 1">
          <xsl:value-of select="number(s:ExpectedBinary) div number(s:WeightedSize) div 1000000"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="max-a">
      <xsl:for-each select="$groups[number(s:WeightedSize) &gt; 0]">
        <xsl:sort select="number(s:ActualBinary) div number(s:WeightedSize)" data-type="number" order="descending"/>
        <xsl:if test="position() = 1">
          <xsl:value-of select="number(s:ActualBinary) div number(s:WeightedSize) div 1000000"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="max">
      <xsl:choose>
        <xsl:when test="string(number($max-e)) = 'NaN' and string(number($max-a)) = 'NaN'">0</xsl:when>
        <xsl:when test="string(number($max-a)) = 'NaN' or number($max-e) &gt;= number($max-a)"><xsl:value-of select="$max-e"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$max-a"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <!-- scale: the next 10% step above the largest rate, at least 10%, at most 100% -->
    <xsl:variable name="scale-raw" select="ceiling(number($max) * 10 - 0.000001) div 10"/>
    <xsl:variable name="scale">
      <xsl:choose>
        <xsl:when test="$scale-raw &lt; 0.1">0.1</xsl:when>
        <xsl:when test="$scale-raw &gt; 1">1</xsl:when>
        <xsl:otherwise><xsl:value-of select="$scale-raw"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>

    <!-- room for the longest label (13 px text, about 7.6 px a character), so
         no name is clipped at the left edge -->
    <xsl:variable name="longest">
      <xsl:for-each select="$groups">
        <xsl:sort select="string-length(@name) + string-length(@band) + 6 * count(self::s:NeedsBand)" data-type="number" order="descending"/>
        <xsl:if test="position() = 1"><xsl:value-of select="string-length(@name) + string-length(@band) + 6 * count(self::s:NeedsBand)"/></xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="label-w">
      <xsl:choose>
        <xsl:when test="number($longest) * 7.6 + 14 &gt; 120"><xsl:value-of select="ceiling(number($longest) * 7.6 + 14)"/></xsl:when>
        <xsl:otherwise>120</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="plot-w" select="380"/>
    <xsl:variable name="top" select="34"/>
    <xsl:variable name="row-h" select="46"/>
    <xsl:variable name="bar-h" select="15"/>
    <xsl:variable name="n" select="count($groups)"/>
    <xsl:variable name="height" select="$top + $n * $row-h + 28"/>
    <xsl:variable name="width" select="$label-w + $plot-w + 70"/>

    <svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart"
         viewBox="0 0 {$width} {$height}" width="{$width}" height="{$height}"
         aria-labelledby="{$id}-title {$id}-desc">
      <title id="{$id}-title"><xsl:value-of select="$title"/></title>
      <desc id="{$id}-desc">
        <xsl:for-each select="$groups">
          <xsl:call-template name="group-label"><xsl:with-param name="g" select="."/></xsl:call-template>
          <xsl:text>: </xsl:text>
          <xsl:choose>
            <xsl:when test="number(s:WeightedSize) &gt; 0">
              <xsl:text>expected </xsl:text>
              <xsl:call-template name="rate"><xsl:with-param name="g" select="."/><xsl:with-param name="what" select="'eb'"/></xsl:call-template>
              <xsl:text>, actual </xsl:text>
              <xsl:call-template name="rate"><xsl:with-param name="g" select="."/><xsl:with-param name="what" select="'ab'"/></xsl:call-template>
            </xsl:when>
            <xsl:otherwise>no members</xsl:otherwise>
          </xsl:choose>
          <xsl:if test="position() != last()">; </xsl:if>
        </xsl:for-each>
        <xsl:text>.</xsl:text>
      </desc>

      <!-- legend -->
      <rect x="{$label-w}" y="6" width="14" height="12" class="bar-e"/>
      <text x="{$label-w + 20}" y="16" class="legend">Expected (predicted)</text>
      <rect x="{$label-w + 170}" y="6" width="14" height="12" class="bar-a"/>
      <text x="{$label-w + 190}" y="16" class="legend">Actual</text>

      <!-- grid and axis: a tick every 10% from 0 to the scale -->
      <xsl:call-template name="ticks">
        <xsl:with-param name="i" select="0"/>
        <xsl:with-param name="n" select="round(number($scale) * 10)"/>
        <xsl:with-param name="x0" select="$label-w"/>
        <xsl:with-param name="w" select="$plot-w"/>
        <xsl:with-param name="y0" select="$top - 4"/>
        <xsl:with-param name="y1" select="$top + $n * $row-h"/>
      </xsl:call-template>

      <xsl:for-each select="$groups">
        <xsl:variable name="y" select="$top + (position() - 1) * $row-h + 6"/>
        <xsl:variable name="w" select="number(s:WeightedSize)"/>
        <text x="{$label-w - 8}" y="{$y + $bar-h + 4}" class="label" text-anchor="end">
          <xsl:call-template name="group-label"><xsl:with-param name="g" select="."/></xsl:call-template>
        </text>
        <xsl:choose>
          <xsl:when test="$w &gt; 0">
            <xsl:variable name="re" select="number(s:ExpectedBinary) div $w div 1000000"/>
            <xsl:variable name="ra" select="number(s:ActualBinary) div $w div 1000000"/>
            <rect x="{$label-w}" y="{$y}" height="{$bar-h}" class="bar-e"
                  width="{format-number($re div number($scale) * $plot-w, '0.0')}"/>
            <text x="{format-number($label-w + $re div number($scale) * $plot-w + 4, '0.#')}" y="{$y + $bar-h - 3}" class="value">
              <xsl:value-of select="format-number($re * 100, '0.0')"/>%</text>
            <rect x="{$label-w}" y="{$y + $bar-h + 2}" height="{$bar-h}" class="bar-a"
                  width="{format-number($ra div number($scale) * $plot-w, '0.0')}"/>
            <text x="{format-number($label-w + $ra div number($scale) * $plot-w + 4, '0.#')}" y="{$y + 2 * $bar-h - 1}" class="value">
              <xsl:value-of select="format-number($ra * 100, '0.0')"/>%</text>
          </xsl:when>
          <xsl:otherwise>
            <text x="{$label-w + 6}" y="{$y + $bar-h + 4}" class="value muted">no members</text>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </svg>
  </xsl:template>

  <xsl:template name="ticks">
    <xsl:param name="i"/>
    <xsl:param name="n"/>
    <xsl:param name="x0"/>
    <xsl:param name="w"/>
    <xsl:param name="y0"/>
    <xsl:param name="y1"/>
    <xsl:if test="$i &lt;= $n">
      <xsl:variable name="x" select="format-number($x0 + $i * $w div $n, '0.#')"/>
      <line xmlns="http://www.w3.org/2000/svg" x1="{$x}" x2="{$x}" y1="{$y0}" y2="{$y1}" class="grid"/>
      <text xmlns="http://www.w3.org/2000/svg" x="{$x}" y="{$y1 + 16}" class="tick" text-anchor="middle">
        <xsl:value-of select="$i * 10"/>%</text>
      <xsl:call-template name="ticks">
        <xsl:with-param name="i" select="$i + 1"/>
        <xsl:with-param name="n" select="$n"/>
        <xsl:with-param name="x0" select="$x0"/>
        <xsl:with-param name="w" select="$w"/>
        <xsl:with-param name="y0" select="$y0"/>
        <xsl:with-param name="y1" select="$y1"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="group-label">
    <xsl:param name="g"/>
    <xsl:choose>
      <xsl:when test="$g/self::s:PccArea"><xsl:value-of select="$g/@name"/></xsl:when>
      <xsl:when test="$g/self::s:NeedsBand"><xsl:value-of select="$g/@band"/> needs</xsl:when>
      <xsl:otherwise><xsl:value-of select="local-name($g)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================
       Formatting helpers
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

  <xsl:template name="int">
    <xsl:param name="n"/>
    <xsl:value-of select="format-number(number($n), '#,##0')"/>
  </xsl:template>

  <!-- "1 row", "2 rows", "1,234 people": a count and the word that agrees -->
  <xsl:template name="count">
    <xsl:param name="n"/>
    <xsl:param name="one"/>
    <xsl:param name="many"/>
    <xsl:call-template name="int"><xsl:with-param name="n" select="$n"/></xsl:call-template>
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="number($n) = 1"><xsl:value-of select="$one"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$many"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- basis points of weight as weighted people: 12,345.67 -->
  <xsl:template name="bp-weight">
    <xsl:param name="bp"/>
    <xsl:value-of select="format-number(number($bp) div 10000, '#,##0.00##')"/>
  </xsl:template>

  <xsl:template name="ppm-pct">
    <xsl:param name="ppm"/>
    <xsl:value-of select="format-number(number($ppm) div 10000, '0.0###')"/>%</xsl:template>

  <xsl:template name="yesno">
    <xsl:param name="b"/>
    <xsl:choose>
      <xsl:when test="string($b) = 'true'">yes</xsl:when>
      <xsl:otherwise>no</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A weighted rate of group g: eb, ab, b as % of weighted people,
       ef, af as reoffences per weighted person.  "–" for an empty group. -->
  <xsl:template name="rate">
    <xsl:param name="g"/>
    <xsl:param name="what"/>
    <xsl:variable name="w" select="number($g/s:WeightedSize)"/>
    <xsl:choose>
      <xsl:when test="not($w &gt; 0)">–</xsl:when>
      <xsl:when test="$what = 'eb'"><xsl:value-of select="format-number(number($g/s:ExpectedBinary) div $w div 10000, '0.0')"/>%</xsl:when>
      <xsl:when test="$what = 'ab'"><xsl:value-of select="format-number(number($g/s:ActualBinary) div $w div 10000, '0.0')"/>%</xsl:when>
      <xsl:when test="$what = 'b'">
        <xsl:variable name="pp" select="number($g/s:BinaryImprovement) div $w div 10000"/>
        <xsl:if test="$pp &gt; 0">+</xsl:if>
        <xsl:value-of select="format-number($pp, '0.0')"/> pts</xsl:when>
      <xsl:when test="$what = 'ef'"><xsl:value-of select="format-number(number($g/s:ExpectedFrequency) div $w div 1000, '0.00')"/></xsl:when>
      <xsl:when test="$what = 'af'"><xsl:value-of select="format-number(number($g/s:ActualFrequency) div $w div 1000, '0.00')"/></xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- ppm as a percentage with two decimals, rounded half away from zero
       in integers (12345 -> 1.23%, -53942 -> -5.39%, 50 -> 0.01%).
       unit: what follows the number ('%' unless told). -->
  <xsl:template name="ppm-pct2">
    <xsl:param name="ppm"/>
    <xsl:param name="unit" select="'%'"/>
    <xsl:variable name="v" select="number($ppm)"/>
    <xsl:choose>
      <xsl:when test="string($v) = 'NaN'"><span class="bad">?<xsl:value-of select="$ppm"/></span></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="a">
          <xsl:choose>
            <xsl:when test="$v &lt; 0"><xsl:value-of select="-$v"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <!-- hundredths of a percent -->
        <xsl:variable name="r" select="floor((number($a) + 50) div 100)"/>
        <xsl:if test="$v &lt; 0 and $r &gt; 0">-</xsl:if>
        <xsl:value-of select="floor($r div 100)"/>
        <xsl:text>.</xsl:text>
        <xsl:value-of select="format-number($r mod 100, '00')"/>
        <xsl:value-of select="$unit"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "A,B,C" as "A, B, C" -->
  <xsl:template name="comma-list">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="contains($v, ',')">
        <xsl:value-of select="substring-before($v, ',')"/>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="comma-list"><xsl:with-param name="v" select="substring-after($v, ',')"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="flag-meaning">
    <xsl:param name="code"/>
    <xsl:choose>
      <xsl:when test="$code = 'NEEDS_MIX_DRIFT'">the needs mix of this cohort has moved away from the previous cohorts': people with complex needs may be being left out (parked) or picked out.</xsl:when>
      <xsl:when test="$code = 'RISK_DRIFT'">the mean predicted reoffending probability has moved away from the previous cohorts': the cohort's risk profile changed.</xsl:when>
      <xsl:when test="$code = 'EASY_CASES_ONLY'">the improvement comes mostly from people with no complex needs while those with 3 or more did worse than predicted (cherry-picking).</xsl:when>
      <xsl:otherwise>unknown flag.</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="reject-meaning">
    <xsl:param name="code"/>
    <xsl:choose>
      <xsl:when test="$code = 'BAD_PREDICTION'">predicted probability or frequency missing or out of range</xsl:when>
      <xsl:when test="$code = 'BAD_OUTCOME'">reoffence count missing or out of range</xsl:when>
      <xsl:when test="$code = 'UNKNOWN_NEED'">a need code that is not known, or an empty one</xsl:when>
      <xsl:when test="$code = 'PCC_OUTSIDE_CPA'">PCC area missing or not in the contract package area</xsl:when>
      <xsl:when test="$code = 'WRONG_QUARTER'">start date missing or outside the cohort quarter</xsl:when>
      <xsl:when test="$code = 'DUPLICATE'">the same person more than once (earliest start kept; all copies rejected on a tie)</xsl:when>
      <xsl:otherwise>unknown reason</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================
       Style
       ================================================================ -->

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
