<?xml version="1.0" encoding="UTF-8"?>
<!--
  pcc-csv.xsl - the PCC view (`pbr-settle report` with the pcc, from, to
  options and format csv) as CSV: a header line, one line per settlement period (the
  statement in force of the area's CPA), then one line with period TOTAL.
  The first column, line, says what a line is:
    AREA      the figures the statement attributes to this PCC area;
    CONTRACT  the statement's contract-level money, not attributed to
              areas: the cohort total T, the annual true-up (0 outside a
              reconciliation), PeriodDuePence = T + true-up, the advance
              netted and AmountDuePence, what is actually paid;
    TOTAL     the sums of both (area columns over AREA lines, contract
              columns over CONTRACT lines);
    BAND      the area's figures for one needs band (needs_band 0, 1-2
              or 3+: people with no, one or two, three or more distinct
              needs), recomputed by the engine from the cohort's rows with
              the statement's input digest; the three BAND lines of a
              period add up to its AREA line (members, weighted size,
              expected and actual figures).  No pence: money is attributed
              to areas, not to bands;
    BAND_TOTAL the same pooled over the periods that have BAND lines
              (after the TOTAL line).
  A period whose bands cannot be recomputed (a login that may not read
  offender rows, rows changed since the statement) has no BAND lines; the
  engine says why on stderr.
  On AREA and TOTAL lines, improvement_rate_ppm is the area's B / W with
  its 95 % interval ci95_low_ppm..ci95_high_ppm (rate -+ round(196
  isqrt(V) / (100 W)), as the monitor computes it), z = B / isqrt(V) to two
  decimals and the deduction attributed to the area (SPEC 5a); empty for
  statements that carry no BinaryVariance.  The TOTAL line pools them (B,
  W and V add over the periods).
  So the CONTRACT lines reconcile to the statements, and the area's share
  is never mixed up with the true-up (which belongs to the whole contract).

  The input is the <PccView> document the engine assembles from the
  ledger (namespace urn:pbr-settle:pcc-view:1).  RFC 4180: "\n" line ends;
  text fields by the engine's one CSV rule (engine/csv.h): quoted when
  they hold , " ; TAB CR or LF, and written "'<field>" when they begin
  with = + - @ TAB CR or ' (CSV injection).
  Integers are copied as the statements state them (exact 64-bit
  decimals, never through a floating-point number); pounds are the same
  pence with a decimal point inserted by string operations.  Rates are
  integer per mille (binary) and thousandths (frequency per weighted
  person), computed by the engine for display only; empty where the
  denominator is 0.

  The stylesheet stops (xsl:message terminate) when the period lines do
  not add up to the TOTAL line, so a CSV that does not reconcile is never
  written.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:v="urn:pbr-settle:pcc-view:1"
                exclude-result-prefixes="v">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="nl" select="'&#10;'"/>
  <xsl:variable name="view" select="/v:PccView"/>
  <xsl:variable name="t" select="$view/v:Total"/>

  <xsl:template match="/">
    <xsl:if test="not($view)">
      <xsl:message terminate="yes">not a PCC view (root element must be PccView in namespace urn:pbr-settle:pcc-view:1)</xsl:message>
    </xsl:if>
    <xsl:if test="sum($view/v:Period/v:BinaryPence) != number($t/v:BinaryPence)
                  or sum($view/v:Period/v:FrequencyPence) != number($t/v:FrequencyPence)
                  or sum($view/v:Period/v:TotalPence) != number($t/v:TotalPence)
                  or sum($view/v:Period/v:Members) != number($t/v:Members)
                  or sum($view/v:Period/v:Contract/@totalPence) != number($t/v:Contract/@totalPence)
                  or sum($view/v:Period/v:Contract/@trueUpPence) != number($t/v:Contract/@trueUpPence)
                  or sum($view/v:Period/v:Contract/@periodDuePence) != number($t/v:Contract/@periodDuePence)
                  or sum($view/v:Period/v:Contract/@amountDuePence) != number($t/v:Contract/@amountDuePence)">
      <xsl:message terminate="yes">PCC view <xsl:value-of select="$view/@code"/>: the periods do not add up to the total</xsl:message>
    </xsl:if>
    <xsl:for-each select="$view/v:Period[v:AreaBands/@status = 'ok']">
      <xsl:if test="sum(v:AreaBands/v:AreaBand/v:Members) != number(v:Members)
                    or sum(v:AreaBands/v:AreaBand/v:WeightedSize) != number(v:WeightedSize)">
        <xsl:message terminate="yes">PCC view <xsl:value-of select="$view/@code"/>: the needs bands of <xsl:value-of select="@period"/> do not add up to the area</xsl:message>
      </xsl:if>
    </xsl:for-each>
    <xsl:text>line,pcc_code,pcc_name,period,cohort,contract,statement_id,members,weighted_size,expected_binary,actual_binary,expected_frequency,actual_frequency,expected_binary_rate_permille,actual_binary_rate_permille,frequency_ratio_permille,binary_pence,frequency_pence,total_pence,binary_pounds,frequency_pounds,total_pounds,contract_total_pence,true_up_pence,period_due_pence,advance_netted_pence,amount_due_pence,contract_total_pounds,true_up_pounds,period_due_pounds,advance_netted_pounds,amount_due_pounds,improvement_rate_ppm,ci95_low_ppm,ci95_high_ppm,z,deduction_pence,needs_band</xsl:text>
    <xsl:value-of select="$nl"/>
    <xsl:for-each select="$view/v:Period">
      <xsl:call-template name="line">
        <xsl:with-param name="kind" select="'AREA'"/>
        <xsl:with-param name="g" select="."/>
        <xsl:with-param name="period" select="string(@period)"/>
        <xsl:with-param name="cohort" select="string(@cohort)"/>
        <xsl:with-param name="contract" select="string(@contract)"/>
        <xsl:with-param name="sid" select="string(@statementId)"/>
      </xsl:call-template>
      <xsl:variable name="p" select="."/>
      <xsl:for-each select="v:AreaBands[@status = 'ok']/v:AreaBand">
        <xsl:call-template name="line">
          <xsl:with-param name="kind" select="'BAND'"/>
          <xsl:with-param name="g" select="."/>
          <xsl:with-param name="period" select="string($p/@period)"/>
          <xsl:with-param name="cohort" select="string($p/@cohort)"/>
          <xsl:with-param name="contract" select="string($p/@contract)"/>
          <xsl:with-param name="sid" select="string($p/@statementId)"/>
          <xsl:with-param name="band" select="string(@band)"/>
        </xsl:call-template>
      </xsl:for-each>
      <xsl:call-template name="line">
        <xsl:with-param name="kind" select="'CONTRACT'"/>
        <xsl:with-param name="m" select="v:Contract"/>
        <xsl:with-param name="period" select="string(@period)"/>
        <xsl:with-param name="cohort" select="string(@cohort)"/>
        <xsl:with-param name="contract" select="string(@contract)"/>
        <xsl:with-param name="sid" select="string(@statementId)"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:call-template name="line">
      <xsl:with-param name="kind" select="'TOTAL'"/>
      <xsl:with-param name="g" select="$t"/>
      <xsl:with-param name="m" select="$t/v:Contract"/>
      <xsl:with-param name="period" select="'TOTAL'"/>
      <xsl:with-param name="cohort" select="''"/>
      <xsl:with-param name="contract" select="''"/>
      <xsl:with-param name="sid" select="''"/>
    </xsl:call-template>
    <xsl:for-each select="$t/v:AreaBands/v:AreaBand">
      <xsl:call-template name="line">
        <xsl:with-param name="kind" select="'BAND_TOTAL'"/>
        <xsl:with-param name="g" select="."/>
        <xsl:with-param name="period" select="'TOTAL'"/>
        <xsl:with-param name="cohort" select="''"/>
        <xsl:with-param name="contract" select="''"/>
        <xsl:with-param name="sid" select="''"/>
        <xsl:with-param name="band" select="string(@band)"/>
      </xsl:call-template>
    </xsl:for-each>
  </xsl:template>


  <xsl:template name="line">
    <xsl:param name="kind"/>
    <xsl:param name="g" select="/.."/>
    <xsl:param name="m" select="/.."/>
    <xsl:param name="period"/>
    <xsl:param name="cohort"/>
    <xsl:param name="contract"/>
    <xsl:param name="sid"/>
    <xsl:param name="band" select="''"/>
    <xsl:value-of select="$kind"/>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($view/@code)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($view/@name)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="$period"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="$cohort"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="$contract"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="$sid"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:Members)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:WeightedSize)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:ExpectedBinary)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:ActualBinary)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:ExpectedFrequency)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:ActualFrequency)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="$g/v:Rates/@expectedBinaryPermille"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="$g/v:Rates/@actualBinaryPermille"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="$g/v:Rates/@frequencyRatioPermille"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:BinaryPence)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:FrequencyPence)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/v:TotalPence)"/>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="pounds"><xsl:with-param name="p" select="normalize-space($g/v:BinaryPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="pounds"><xsl:with-param name="p" select="normalize-space($g/v:FrequencyPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="pounds"><xsl:with-param name="p" select="normalize-space($g/v:TotalPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:value-of select="$m/@totalPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$m/@trueUpPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$m/@periodDuePence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$m/@advanceNettedPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$m/@amountDuePence"/>
    <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($m/@totalPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($m/@trueUpPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($m/@periodDuePence)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($m/@advanceNettedPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($m/@amountDuePence)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:value-of select="$g/v:Chance/@ratePpm"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$g/v:Chance/@lowPpm"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$g/v:Chance/@highPpm"/>
    <xsl:text>,</xsl:text><xsl:if test="$g/v:Chance/@zCenti"><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($g/v:Chance/@zCenti)"/></xsl:call-template></xsl:if>
    <xsl:text>,</xsl:text><xsl:value-of select="$g/v:Chance/@deductionPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$band"/>
    <xsl:value-of select="$nl"/>
  </xsl:template>

  <!-- Pence string (-?[0-9]+) to pounds by string operations: 1234.56. -->
  <xsl:template name="pounds">
    <xsl:param name="p"/>
    <xsl:if test="$p != ''">
    <xsl:variable name="neg" select="starts-with($p, '-')"/>
    <xsl:variable name="digits">
      <xsl:choose>
        <xsl:when test="$neg"><xsl:value-of select="substring($p, 2)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$p"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="padded">
      <xsl:value-of select="substring('00', string-length($digits))"/>
      <xsl:value-of select="$digits"/>
    </xsl:variable>
    <xsl:variable name="len" select="string-length($padded)"/>
    <xsl:if test="$neg and translate($digits, '0', '') != ''">-</xsl:if>
    <xsl:value-of select="substring($padded, 1, $len - 2)"/>
    <xsl:text>.</xsl:text>
    <xsl:value-of select="substring($padded, $len - 1)"/>
    </xsl:if>
  </xsl:template>

  <!-- One CSV text field, by the engine's one rule (engine/csv.h,
       docs/STATEMENT.md "CSV files"; OWASP CSV injection): a field whose
       first character is = + - @ TAB CR or ' is written "'<field>", inner
       quotes doubled, so a spreadsheet shows text, not a formula; else a
       field holding , " ; TAB CR or LF is quoted; else it is written as it
       is.  Numbers never come here. -->
  <xsl:variable name="formula-start">=+-@&#9;&#13;'</xsl:variable>
  <xsl:template name="field">
    <xsl:param name="v"/>
    <xsl:variable name="first" select="substring($v, 1, 1)"/>
    <xsl:choose>
      <xsl:when test="$first != '' and contains($formula-start, $first)">
        <xsl:text>"'</xsl:text>
        <xsl:call-template name="double-quotes"><xsl:with-param name="v" select="$v"/></xsl:call-template>
        <xsl:text>"</xsl:text>
      </xsl:when>
      <xsl:when test="contains($v, ',') or contains($v, '&quot;') or contains($v, ';')
                      or contains($v, '&#9;') or contains($v, '&#13;') or contains($v, '&#10;')">
        <xsl:text>"</xsl:text>
        <xsl:call-template name="double-quotes"><xsl:with-param name="v" select="$v"/></xsl:call-template>
        <xsl:text>"</xsl:text>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="double-quotes">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="contains($v, '&quot;')">
        <xsl:value-of select="substring-before($v, '&quot;')"/>
        <xsl:text>""</xsl:text>
        <xsl:call-template name="double-quotes">
          <xsl:with-param name="v" select="substring-after($v, '&quot;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
