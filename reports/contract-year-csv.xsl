<?xml version="1.0" encoding="UTF-8"?>
<!--
  contract-year-csv.xsl - the contract year (SPEC 11.6) as CSV: a header
  line, twelve MONTH lines, four COHORT lines and a TOTAL line.  A line not
  yet settled has settled=false, its amounts empty (never 0) and a note
  saying why.  paid_pence is what the statement in force pays for the
  year: a month's PeriodDuePence; a cohort's amounts due along its chain
  in the ledger (SPEC 7), its PeriodDuePence less the advance the chain
  netted once (advance_netted_pence; a restatement nets none itself, so
  its own AdvanceNettedPence is not this).  The TOTAL line sums
  the settled lines; its paid_pence is the year's payments so far.  Text
  fields by the engine's one CSV rule (engine/csv.h).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:y="urn:pbr-settle:contract-year:1"
                exclude-result-prefixes="y">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="nl" select="'&#10;'"/>
  <xsl:variable name="cy" select="/y:ContractYear"/>
  <xsl:variable name="t" select="$cy/y:Total"/>

  <xsl:template match="/">
    <xsl:if test="not($cy)">
      <xsl:message terminate="yes">not a contract year (root element must be ContractYear in namespace urn:pbr-settle:contract-year:1)</xsl:message>
    </xsl:if>
    <xsl:if test="sum($cy/y:Month[@settled = 'true']/@periodDuePence) + sum($cy/y:Cohort[@settled = 'true']/@paidPence) != number($t/@paidPence)">
      <xsl:message terminate="yes">contract year <xsl:value-of select="$cy/@contract"/> <xsl:value-of select="$cy/@year"/>: the lines do not add up to the total</xsl:message>
    </xsl:if>
    <xsl:text>line,contract,year,period,statement_id,settled,ffs_pence,credit_pence,advance_pence,adjustment_pence,cohort_total_pence,true_up_pence,period_due_pence,advance_netted_pence,amount_due_pence,paid_pence,paid_pounds,map_pence,note</xsl:text>
    <xsl:value-of select="$nl"/>
    <xsl:for-each select="$cy/y:Month">
      <xsl:call-template name="line">
        <xsl:with-param name="kind" select="'MONTH'"/>
        <xsl:with-param name="period" select="string(@month)"/>
        <xsl:with-param name="paid" select="string(@periodDuePence)"/>
        <xsl:with-param name="note">
          <xsl:choose>
            <xsl:when test="@settled != 'true'">not settled: no monthly statement in force</xsl:when>
            <xsl:when test="@kind = 'RESTATEMENT'">restatement</xsl:when>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$cy/y:Cohort">
      <xsl:call-template name="line">
        <xsl:with-param name="kind" select="'COHORT'"/>
        <xsl:with-param name="period" select="string(@quarter)"/>
        <xsl:with-param name="paid" select="string(@paidPence)"/>
        <xsl:with-param name="note">
          <xsl:choose>
            <xsl:when test="@settled = 'true'">settled in <xsl:value-of select="@settlementPeriod"/><xsl:if test="@kind = 'RESTATEMENT'"> (restatement)</xsl:if></xsl:when>
            <xsl:when test="@periodBegun = 'true'">not settled: period <xsl:value-of select="@settlementPeriod"/> has begun, no statement in force</xsl:when>
            <xsl:otherwise>not settled: maturing, settles in <xsl:value-of select="@settlementPeriod"/></xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:text>TOTAL,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($cy/@contract)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:value-of select="$cy/@year"/>
    <xsl:text>,,,</xsl:text>
    <xsl:value-of select="$t/@monthsSettled"/><xsl:text>/12 months </xsl:text><xsl:value-of select="$t/@cohortsSettled"/><xsl:text>/4 cohorts</xsl:text>
    <xsl:text>,</xsl:text><xsl:value-of select="$t/@ffsPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$t/@creditPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$t/@advancePence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$t/@adjustmentPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$t/@cohortTotalPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$t/@trueUpPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="number($t/@monthsPeriodDuePence) + number($t/@cohortsPeriodDuePence)"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$t/@advanceNettedPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="number($t/@monthsAmountDuePence) + number($t/@cohortsAmountDuePence)"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$t/@paidPence"/>
    <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($t/@paidPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:value-of select="$cy/y:Terms/@mapPence"/>
    <xsl:text>,</xsl:text>
    <xsl:if test="$cy/y:VolumeReconciliation">PbR pot <xsl:value-of select="$cy/y:VolumeReconciliation/@pbrPotPence"/> p</xsl:if>
    <xsl:value-of select="$nl"/>
  </xsl:template>

  <xsl:template name="line">
    <xsl:param name="kind"/>
    <xsl:param name="period"/>
    <xsl:param name="paid"/>
    <xsl:param name="note"/>
    <xsl:value-of select="$kind"/>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($cy/@contract)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:value-of select="$cy/@year"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$period"/>
    <xsl:text>,</xsl:text><xsl:call-template name="field"><xsl:with-param name="v" select="string(@statementId)"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:value-of select="@settled"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@ffsPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@creditPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@advancePence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@adjustmentPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@totalPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@trueUpPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@periodDuePence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@advanceNettedPence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="@amountDuePence"/>
    <xsl:text>,</xsl:text><xsl:value-of select="$paid"/>
    <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="$paid"/></xsl:call-template>
    <xsl:text>,,</xsl:text>
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
