<?xml version="1.0" encoding="UTF-8"?>
<!--
  statement-csv.xsl - a settlement statement (schemas/statement.xsd) as CSV:
  a header line, one line per PCC area in statement order, then one line
  for the contract total with pcc_code TOTAL (and an empty pcc_name).

  RFC 4180: "\n" line ends; text fields by the engine's one CSV rule
  (engine/csv.h): quoted when they hold , " ; TAB CR or LF, and written
  "'<field>" when they begin with = + - @ TAB CR or ' (CSV injection).  Integer columns are
  copied from the statement as written (exact 64-bit decimals, never
  through a floating-point number); pounds are the same pence with the
  decimal point inserted by string operations: 1234.56, -1234.56, 0.05.

  What is paid beside what the cohort earned (SPEC 7): the TOTAL line,
  the contract's, also carries true_up_pence (the annual true-up of a
  reconciliation statement, 0 otherwise), period_due_pence (T + true-up),
  advance_netted_pence (0 when the statement nets none),
  previous_period_due_pence (a restatement's superseded PeriodDuePence,
  empty for an original) and amount_due_pence, what is actually paid, with
  their pounds.  They are contract-level: the true-up is not attributed to
  PCC areas, so these columns are empty on the area lines, and summing a
  column over the file gives the statement's figure.

  Significance (SPEC 5a; empty for statements before it): binary_variance
  V and deduction_pence on every line, the deduction attributed to an area
  on its line; binary_mode, binary_significant (the engine's exact test)
  and termination_flag on the TOTAL line; z = B / sqrt(V) to two decimals,
  for reading only (a floating-point square root; the exact test decides).

  The parking and cherry-picking monitor (Monitor) is deliberately not
  here: its figures belong to the cohort, not to a PCC area, and would
  break the one-line-per-area layout; the HTML report shows it.

  The stylesheet stops with an error (xsl:message terminate) when the PCC
  areas' pence do not add up to the contract total, so a CSV that does
  not reconcile is never written.

  Used by `pbr-settle report FILE.xml (format csv)`, or directly:
    xsltproc reports/statement-csv.xsl STATEMENT.xml > statement.csv
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:s="urn:pbr-settle:statement:1"
                exclude-result-prefixes="s">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="nl" select="'&#10;'"/>
  <xsl:variable name="st" select="/s:SettlementStatement"/>
  <xsl:variable name="h" select="$st/s:Header"/>
  <xsl:variable name="c" select="$st/s:Cohort"/>
  <xsl:variable name="sum" select="$st/s:Summary"/>
  <xsl:variable name="trueup">
    <xsl:choose>
      <xsl:when test="$st/s:AnnualReconciliation"><xsl:value-of select="normalize-space($st/s:AnnualReconciliation/s:TrueUpPence)"/></xsl:when>
      <xsl:otherwise>0</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="advance">
    <xsl:choose>
      <xsl:when test="$sum/s:AdvanceNettedPence"><xsl:value-of select="normalize-space($sum/s:AdvanceNettedPence)"/></xsl:when>
      <xsl:otherwise>0</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="/">
    <xsl:if test="not($st)">
      <xsl:message terminate="yes">not a settlement statement (root element must be SettlementStatement in namespace urn:pbr-settle:statement:1)</xsl:message>
    </xsl:if>
    <xsl:if test="sum($c/s:PccArea/s:BinaryPence) != number($c/s:BinaryPence)
                  or sum($c/s:PccArea/s:FrequencyPence) != number($c/s:FrequencyPence)
                  or sum($c/s:PccArea/s:TotalPence) != number($c/s:TotalPence)">
      <xsl:message terminate="yes">statement <xsl:value-of select="$h/s:StatementId"/>: the PCC areas' pence do not add up to the cohort's BinaryPence/FrequencyPence/TotalPence</xsl:message>
    </xsl:if>
    <xsl:if test="number($c/s:TotalPence) + number($trueup) != number($sum/s:PeriodDuePence)">
      <xsl:message terminate="yes">statement <xsl:value-of select="$h/s:StatementId"/>: PeriodDuePence is not the cohort's TotalPence plus the annual true-up</xsl:message>
    </xsl:if>

    <xsl:text>statement_id,contract,period,cohort,pcc_code,pcc_name,members,weighted_size,expected_binary,actual_binary,binary_improvement,expected_frequency,actual_frequency,frequency_improvement,binary_pence,frequency_pence,total_pence,binary_pounds,frequency_pounds,total_pounds,true_up_pence,period_due_pence,advance_netted_pence,previous_period_due_pence,amount_due_pence,true_up_pounds,period_due_pounds,advance_netted_pounds,previous_period_due_pounds,amount_due_pounds,binary_mode,binary_variance,z,binary_significant,deduction_pence,termination_flag</xsl:text>
    <xsl:value-of select="$nl"/>
    <xsl:for-each select="$c/s:PccArea">
      <xsl:call-template name="line">
        <xsl:with-param name="g" select="."/>
        <xsl:with-param name="code" select="string(@code)"/>
        <xsl:with-param name="name" select="string(@name)"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:call-template name="line">
      <xsl:with-param name="g" select="$c"/>
      <xsl:with-param name="code" select="'TOTAL'"/>
      <xsl:with-param name="name" select="''"/>
      <xsl:with-param name="contract-level" select="true()"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="line">
    <xsl:param name="contract-level" select="false()"/>
    <xsl:param name="g"/>
    <xsl:param name="code"/>
    <xsl:param name="name"/>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($h/s:StatementId)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($h/s:Contract/@id)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($h/s:Period)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="string($c/@quarter)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="$code"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="v" select="$name"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:Members)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:WeightedSize)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:ExpectedBinary)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:ActualBinary)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:BinaryImprovement)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:ExpectedFrequency)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:ActualFrequency)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:FrequencyImprovement)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:BinaryPence)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:FrequencyPence)"/>
    <xsl:text>,</xsl:text>
    <xsl:value-of select="normalize-space($g/s:TotalPence)"/>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="pounds"><xsl:with-param name="p" select="normalize-space($g/s:BinaryPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="pounds"><xsl:with-param name="p" select="normalize-space($g/s:FrequencyPence)"/></xsl:call-template>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="pounds"><xsl:with-param name="p" select="normalize-space($g/s:TotalPence)"/></xsl:call-template>
    <xsl:choose>
      <xsl:when test="$contract-level">
        <xsl:variable name="prev" select="normalize-space($sum/s:PreviousPeriodDuePence)"/>
        <xsl:text>,</xsl:text><xsl:value-of select="$trueup"/>
        <xsl:text>,</xsl:text><xsl:value-of select="normalize-space($sum/s:PeriodDuePence)"/>
        <xsl:text>,</xsl:text><xsl:value-of select="$advance"/>
        <xsl:text>,</xsl:text><xsl:value-of select="$prev"/>
        <xsl:text>,</xsl:text><xsl:value-of select="normalize-space($sum/s:AmountDuePence)"/>
        <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($trueup)"/></xsl:call-template>
        <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="normalize-space($sum/s:PeriodDuePence)"/></xsl:call-template>
        <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="string($advance)"/></xsl:call-template>
        <xsl:text>,</xsl:text><xsl:if test="$prev != ''"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$prev"/></xsl:call-template></xsl:if>
        <xsl:text>,</xsl:text><xsl:call-template name="pounds"><xsl:with-param name="p" select="normalize-space($sum/s:AmountDuePence)"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>,,,,,,,,,,</xsl:otherwise>
    </xsl:choose>
    <!-- SPEC 5a: V and D per area and for the cohort; the mode, the exact
         test and the termination flag belong to the cohort (TOTAL line);
         z = B / sqrt(V) to two decimals, display only -->
    <xsl:text>,</xsl:text><xsl:if test="$contract-level"><xsl:value-of select="normalize-space($c/s:BinaryMode)"/></xsl:if>
    <xsl:text>,</xsl:text><xsl:value-of select="normalize-space($g/s:BinaryVariance)"/>
    <xsl:text>,</xsl:text><xsl:call-template name="z"><xsl:with-param name="g" select="$g"/></xsl:call-template>
    <xsl:text>,</xsl:text><xsl:if test="$contract-level"><xsl:value-of select="normalize-space($c/s:BinarySignificant)"/></xsl:if>
    <xsl:text>,</xsl:text><xsl:value-of select="normalize-space($g/s:DeductionPence)"/>
    <xsl:text>,</xsl:text><xsl:if test="$contract-level"><xsl:value-of select="normalize-space($c/s:TerminationFlag)"/></xsl:if>
    <xsl:value-of select="$nl"/>
  </xsl:template>

  <!-- z = B / sqrt(V) with two decimals (display only, doubles); empty
       when the statement has no V, or V is 0 -->
  <xsl:template name="z">
    <xsl:param name="g"/>
    <xsl:variable name="v" select="number($g/s:BinaryVariance)"/>
    <xsl:if test="$v &gt; 0">
      <xsl:variable name="root"><xsl:call-template name="sqrt"><xsl:with-param name="x" select="$v"/></xsl:call-template></xsl:variable>
      <xsl:value-of select="format-number(number($g/s:BinaryImprovement) div number($root), '0.00')"/>
    </xsl:if>
  </xsl:template>

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

  <!-- Pence string (-?[0-9]+) to pounds: the last two digits after a
       point, at least one digit before it, the sign kept. -->
  <xsl:template name="pounds">
    <xsl:param name="p"/>
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
