<?xml version="1.0" encoding="UTF-8"?>
<!--
  index-csv.xsl - the index of a directory of statements as CSV: a header
  line, one line per statement (by contract, period and sequence), then a
  TOTAL line whose amount_due_pence is the sum over the FINAL statements
  (drafts are listed but not added).  Text fields by the engine's one CSV
  rule (engine/csv.h); integers copied as the statements state them,
  pounds by string operations.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:i="urn:pbr-settle:index:1"
                exclude-result-prefixes="i">

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="nl" select="'&#10;'"/>
  <xsl:variable name="ix" select="/i:Index"/>

  <xsl:template match="/">
    <xsl:if test="not($ix)">
      <xsl:message terminate="yes">not a statement index (root element must be Index in namespace urn:pbr-settle:index:1)</xsl:message>
    </xsl:if>
    <xsl:text>statement_id,file,type,contract,period,cohort,kind,status,superseded_by,total_pence,true_up_pence,period_due_pence,advance_netted_pence,amount_due_pence,amount_due_pounds,schema,annex,signature,verdict</xsl:text>
    <xsl:value-of select="$nl"/>
    <xsl:for-each select="$ix/i:Statement">
      <xsl:sort select="@contract"/>
      <xsl:sort select="@period"/>
      <xsl:sort select="string-length(@id)" data-type="number"/>
      <xsl:sort select="@id"/>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@id)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@file)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:value-of select="@type"/>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@contract)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@period)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@cohort)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@kind)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@status)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@supersededBy)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:value-of select="@totalPence"/>
      <xsl:text>,</xsl:text>
      <xsl:value-of select="@trueUpPence"/>
      <xsl:text>,</xsl:text>
      <xsl:value-of select="@periodDuePence"/>
      <xsl:text>,</xsl:text>
      <xsl:value-of select="@advanceNettedPence"/>
      <xsl:text>,</xsl:text>
      <xsl:value-of select="@amountDuePence"/>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="pounds"><xsl:with-param name="p" select="string(@amountDuePence)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@schema)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@annex)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@signature)"/></xsl:call-template>
      <xsl:text>,</xsl:text>
      <xsl:call-template name="field"><xsl:with-param name="v" select="string(@verdict)"/></xsl:call-template>
      <xsl:value-of select="$nl"/>
    </xsl:for-each>
    <xsl:text>TOTAL,,,,,,,,,,,,,</xsl:text>
    <xsl:value-of select="$ix/i:Total/@amountDuePence"/>
    <xsl:text>,</xsl:text>
    <xsl:call-template name="pounds"><xsl:with-param name="p" select="string($ix/i:Total/@amountDuePence)"/></xsl:call-template>
    <xsl:text>,,,,</xsl:text>
    <xsl:value-of select="$ix/i:Total/@problems"/>
    <xsl:text> problems</xsl:text>
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
