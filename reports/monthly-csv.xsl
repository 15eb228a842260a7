<?xml version="1.0" encoding="UTF-8"?>
<!--
  monthly-csv.xsl - a monthly fee-for-service statement (SPEC 11.5,
  schemas/monthly.xsd) as CSV: a header line, then one line per band of
  the month's volume (line BAND), per KPI term (line KPI, with its status
  and the credit it accrued), and the money lines of SPEC 11.3, each with
  the amount as it enters the payment (amount_pence, signed):
    FFS          the month's instalment
    CREDIT       less the service credits after the cap (negative)
    ADVANCE      the advance against expected results
    ADJUSTMENT   the year-end volume adjustment (December only)
    PERIOD_DUE   their sum, PeriodDuePence
    AMOUNT_DUE   what is paid (a restatement: less the superseded period due)
  so the FFS..ADJUSTMENT lines sum to PERIOD_DUE.  Text fields by the
  engine's one CSV rule (engine/csv.h); integers copied as stated, pounds by
  string operations.  The stylesheet stops when the money lines do not add
  up, so a CSV that does not reconcile is never written.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:s="urn:pbr-settle:statement:1"
                exclude-result-prefixes="s">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="nl" select="'&#10;'"/>
  <xsl:variable name="st" select="/s:MonthlyStatement"/>
  <xsl:variable name="h" select="$st/s:Header"/>
  <xsl:variable name="sc" select="$st/s:ServiceCredits"/>
  <xsl:variable name="vr" select="$st/s:VolumeReconciliation"/>
  <xsl:variable name="sum" select="$st/s:Summary"/>
  <xsl:variable name="adj">
    <xsl:choose>
      <xsl:when test="$vr"><xsl:value-of select="normalize-space($vr/s:AdjustmentPence)"/></xsl:when>
      <xsl:otherwise>0</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="/">
    <xsl:if test="not($st)">
      <xsl:message terminate="yes">not a monthly statement (root element must be MonthlyStatement in namespace urn:pbr-settle:statement:1)</xsl:message>
    </xsl:if>
    <xsl:if test="number($st/s:FeeForService/s:FfsPence) - number($sc/s:CreditPence) + number($st/s:AdvancePence) + number($adj) != number($sum/s:PeriodDuePence)">
      <xsl:message terminate="yes">statement <xsl:value-of select="$h/s:StatementId"/>: Ffs - Credit + Advance + Adjustment is not PeriodDuePence</xsl:message>
    </xsl:if>
    <xsl:text>statement_id,contract,month,line,code,cases,weight_milli,volume_milli,numerator,denominator,target_ppm,status,credit_pence,amount_pence,amount_pounds,note</xsl:text>
    <xsl:value-of select="$nl"/>
    <xsl:for-each select="$st/s:Volumes/s:Band">
      <xsl:call-template name="line">
        <xsl:with-param name="line" select="'BAND'"/>
        <xsl:with-param name="code" select="string(@code)"/>
        <xsl:with-param name="cases" select="normalize-space(s:Cases)"/>
        <xsl:with-param name="weight" select="normalize-space(s:WeightMilli)"/>
        <xsl:with-param name="volume" select="normalize-space(s:VolumeMilli)"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$sc/s:Kpi">
      <xsl:call-template name="line">
        <xsl:with-param name="line" select="'KPI'"/>
        <xsl:with-param name="code" select="string(@code)"/>
        <xsl:with-param name="num" select="normalize-space(s:Numerator)"/>
        <xsl:with-param name="den" select="normalize-space(s:Denominator)"/>
        <xsl:with-param name="target" select="normalize-space(s:TargetPpm)"/>
        <xsl:with-param name="status" select="normalize-space(s:Status)"/>
        <xsl:with-param name="credit" select="normalize-space(s:CreditPence)"/>
        <xsl:with-param name="note">
          <xsl:if test="s:Waiver">waived by <xsl:value-of select="s:Waiver/@approvedBy"/>: <xsl:value-of select="normalize-space(s:Waiver)"/></xsl:if>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:call-template name="line">
      <xsl:with-param name="line" select="'FFS'"/>
      <xsl:with-param name="amount" select="normalize-space($st/s:FeeForService/s:FfsPence)"/>
      <xsl:with-param name="note" select="concat('instalment ', normalize-space($st/s:FeeForService/s:MonthIndex), ' of 12 of the discounted annual price')"/>
    </xsl:call-template>
    <xsl:call-template name="line">
      <xsl:with-param name="line" select="'CREDIT'"/>
      <xsl:with-param name="credit" select="normalize-space($sc/s:CreditPence)"/>
      <xsl:with-param name="amount" select="concat('-', normalize-space($sc/s:CreditPence))"/>
      <xsl:with-param name="note" select="concat('accrued ', normalize-space($sc/s:AccruedPence), ' p, cap ', normalize-space($sc/s:CapPence), ' p, cut by the cap ', normalize-space($sc/s:CapCutPence), ' p')"/>
    </xsl:call-template>
    <xsl:call-template name="line">
      <xsl:with-param name="line" select="'ADVANCE'"/>
      <xsl:with-param name="amount" select="normalize-space($st/s:AdvancePence)"/>
    </xsl:call-template>
    <xsl:if test="$vr">
      <xsl:call-template name="line">
        <xsl:with-param name="line" select="'ADJUSTMENT'"/>
        <xsl:with-param name="status" select="normalize-space($vr/s:Position)"/>
        <xsl:with-param name="volume" select="normalize-space($vr/s:ActualMilli)"/>
        <xsl:with-param name="amount" select="$adj"/>
        <xsl:with-param name="note" select="concat('year ', $vr/@year, ': predicted ', normalize-space($vr/s:PredictedMilli), ' milli; FfsYear ', normalize-space($vr/s:FfsYearPence), ' p, MAP ', normalize-space($vr/s:MapPence), ' p, PbR pot ', normalize-space($vr/s:PbrPotPence), ' p')"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:call-template name="line">
      <xsl:with-param name="line" select="'PERIOD_DUE'"/>
      <xsl:with-param name="amount" select="normalize-space($sum/s:PeriodDuePence)"/>
    </xsl:call-template>
    <xsl:call-template name="line">
      <xsl:with-param name="line" select="'AMOUNT_DUE'"/>
      <xsl:with-param name="amount" select="normalize-space($sum/s:AmountDuePence)"/>
      <xsl:with-param name="note">
        <xsl:if test="$sum/s:PreviousPeriodDuePence">restatement of <xsl:value-of select="$h/s:Supersedes"/>: less its period due <xsl:value-of select="normalize-space($sum/s:PreviousPeriodDuePence)"/> p</xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="line">
    <xsl:param name="line"/>
    <xsl:param name="code" select="''"/>
    <xsl:param name="cases" select="''"/>
    <xsl:param name="weight" select="''"/>
    <xsl:param name="volume" select="''"/>
    <xsl:param name="num" select="''"/>
    <xsl:param name="den" select="''"/>
    <xsl:param name="target" select="''"/>
    <xsl:param name="status" select="''"/>
    <xsl:param name="credit" select="''"/>
    <xsl:param name="amount" select="''"/>
    <xsl:param name="note" select="''"/>
    <xsl:variable name="amt">
      <xsl:choose>
        <xsl:when test="$amount = '-0'">0</xsl:when>
        <xsl:otherwise><xsl:value-of select="$amount"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($h/s:StatementId)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($h/s:Contract/@id)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($h/s:Month)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="$line"/>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="$code"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:value-of select="$cases"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$weight"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$volume"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$num"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$den"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$target"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$status"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$credit"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$amt"/>
    <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($amt)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($note)"/></xsl:call-template>
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
      <xsl:variable name="padded" select="concat(substring('00', string-length($digits)), $digits)"/>
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
