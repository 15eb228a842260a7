<?xml version="1.0" encoding="UTF-8"?>
<!--
  index-html.xsl - the index of a directory of statements (`pbr-settle
  report` with the index option, format html): one self-contained HTML5
  page, inline CSS, no script, no external resource.  XSLT 1.0.

  The input is the <Index> document the engine assembles (namespace
  urn:pbr-settle:index:1): one <Statement> per settlement statement file
  with its figures copied as stated and the checks that need no database
  (schema, annex digest, signature, superseded), <Other> for the files
  that are not statements, and a <Total>.  Money: integer pence as pounds
  by string operations only.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:i="urn:pbr-settle:index:1"
                exclude-result-prefixes="i">

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:variable name="ix" select="/i:Index"/>
  <xsl:variable name="t" select="$ix/i:Total"/>

  <xsl:template match="/">
    <xsl:if test="not($ix)">
      <xsl:message terminate="yes">not a statement index (root element must be Index in namespace urn:pbr-settle:index:1)</xsl:message>
    </xsl:if>
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en-GB">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="pbr-settle index-html.xsl"/>
        <title>Settlement statements in <xsl:value-of select="$ix/@dir"/></title>
        <style><xsl:call-template name="css"/></style>
      </head>
      <body>
        <header>
          <p class="kicker">Payment-by-results settlement — index of statements</p>
          <h1>Settlement statements in <code><xsl:value-of select="$ix/@dir"/></code></h1>
          <xsl:if test="number($t/@problems) &gt; 0">
            <p class="banner warn" role="alert"><strong><xsl:value-of select="$t/@problems"/>
              <xsl:text> </xsl:text>
              <xsl:call-template name="plural"><xsl:with-param name="n" select="$t/@problems"/><xsl:with-param name="one" select="'statement fails'"/><xsl:with-param name="many" select="'statements fail'"/></xsl:call-template>
              a check</strong> — see the verdict column.</p>
          </xsl:if>
        </header>
        <main>
          <section id="summary" aria-labelledby="summary-h">
            <h2 id="summary-h">Summary</h2>
            <dl class="facts">
              <dt>Statements</dt>
              <dd><xsl:value-of select="$t/@statements"/>
                (<xsl:value-of select="$t/@final"/> final<xsl:if test="number($t/@statements) != number($t/@final)">,
                <xsl:value-of select="number($t/@statements) - number($t/@final)"/>
                <xsl:text> </xsl:text>
                <xsl:call-template name="plural"><xsl:with-param name="n" select="number($t/@statements) - number($t/@final)"/><xsl:with-param name="one" select="'draft'"/><xsl:with-param name="many" select="'drafts'"/></xsl:call-template></xsl:if>)</dd>
              <dt>Amounts due, final statements</dt>
              <dd class="money"><strong><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@amountDuePence"/></xsl:call-template></strong>
                <span class="muted"> — the control sum of every payment these statements order</span></dd>
              <dt>Periods due, statements in force</dt>
              <dd class="money"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@periodDueInForcePence"/></xsl:call-template>
                <span class="muted"> — what the periods are worth now; equal to the amounts due when the directory holds every statement of each chain and no advance was netted</span></dd>
              <dt>Signature checked against</dt>
              <dd><xsl:choose>
                <xsl:when test="$ix/@certificate != ''"><code><xsl:value-of select="$ix/@certificate"/></code></xsl:when>
                <xsl:otherwise>no certificate given (<code>--cert PEM</code> checks every signature)</xsl:otherwise>
              </xsl:choose></dd>
            </dl>
            <p class="note">The verdict comes from the checks that need no database: the XML
              schema, the offender annex beside each statement against its <code>AnnexDigest</code>,
              the signature, and whether a later statement in this directory supersedes it.
              <code>pbr-settle verify FILE.xml</code> also recomputes every figure from the database
              and checks the ledger.</p>
          </section>
          <section id="statements" aria-labelledby="statements-h">
            <h2 id="statements-h">Statements</h2>
            <div class="scroll">
              <table>
                <caption>Every statement in <xsl:value-of select="$ix/@dir"/>, by contract and period, in pounds</caption>
                <thead>
                  <tr>
                    <th scope="col">Statement</th>
                    <th scope="col">Period</th>
                    <th scope="col" class="opt">Cohort</th>
                    <th scope="col">Kind</th>
                    <th scope="col" class="num">Cohort total</th>
                    <th scope="col" class="num">True-up</th>
                    <th scope="col" class="num">Period due</th>
                    <th scope="col" class="num">Amount due</th>
                    <th scope="col">Verdict</th>
                  </tr>
                </thead>
                <tbody>
                  <xsl:for-each select="$ix/i:Statement">
                    <xsl:sort select="@contract"/>
                    <xsl:sort select="@period"/>
                    <xsl:sort select="string-length(@id)" data-type="number"/>
                    <xsl:sort select="@id"/>
                    <tr>
                      <xsl:if test="@supersededBy or @status = 'DRAFT'"><xsl:attribute name="class">faded</xsl:attribute></xsl:if>
                      <th scope="row">
                        <xsl:choose>
                          <xsl:when test="@report"><a href="{@report}"><xsl:value-of select="@id"/></a></xsl:when>
                          <xsl:otherwise><xsl:value-of select="@id"/></xsl:otherwise>
                        </xsl:choose>
                      </th>
                      <td><xsl:value-of select="@period"/></td>
                      <td class="opt"><xsl:value-of select="@cohort"/></td>
                      <td><xsl:if test="@type = 'monthly'">monthly fee </xsl:if><xsl:choose>
                          <xsl:when test="@status = 'DRAFT'">draft</xsl:when>
                          <xsl:when test="@kind = 'RESTATEMENT'">restatement</xsl:when>
                          <xsl:otherwise>original</xsl:otherwise>
                        </xsl:choose>
                        <xsl:if test="@trueUpPence"><span class="muted"> + true-up</span></xsl:if></td>
                      <td class="num"><xsl:choose>
                          <xsl:when test="@totalPence"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@totalPence"/></xsl:call-template></xsl:when>
                          <xsl:otherwise>–</xsl:otherwise></xsl:choose></td>
                      <td class="num"><xsl:choose>
                          <xsl:when test="@trueUpPence"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@trueUpPence"/></xsl:call-template></xsl:when>
                          <xsl:otherwise>–</xsl:otherwise></xsl:choose></td>
                      <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@periodDuePence"/></xsl:call-template></td>
                      <td class="num strong"><xsl:call-template name="pounds"><xsl:with-param name="p" select="@amountDuePence"/></xsl:call-template></td>
                      <td>
                        <xsl:attribute name="class">
                          <xsl:choose>
                            <xsl:when test="starts-with(@verdict, 'OK')">verdict ok</xsl:when>
                            <xsl:when test="starts-with(@verdict, 'DRAFT')">verdict draft</xsl:when>
                            <xsl:otherwise>verdict bad</xsl:otherwise>
                          </xsl:choose>
                        </xsl:attribute>
                        <xsl:value-of select="@verdict"/>
                        <xsl:if test="@supersededBy">; superseded by <xsl:value-of select="@supersededBy"/></xsl:if>
                        <span class="detail">annex <xsl:value-of select="@annex"/>; signature <xsl:value-of select="@signature"/></span>
                      </td>
                    </tr>
                  </xsl:for-each>
                </tbody>
                <tfoot>
                  <tr class="grand">
                    <th scope="row" colspan="6" class="opt-span">Amounts due of the final statements</th>
                    <td class="opt"></td>
                    <td class="num"><xsl:call-template name="pounds"><xsl:with-param name="p" select="$t/@amountDuePence"/></xsl:call-template></td>
                    <td></td>
                  </tr>
                </tfoot>
              </table>
            </div>
          </section>
          <xsl:if test="$ix/i:Other">
            <section id="other" aria-labelledby="other-h">
              <h2 id="other-h">Other XML files</h2>
              <ul>
                <xsl:for-each select="$ix/i:Other">
                  <li><code><xsl:value-of select="@file"/></code> — <xsl:value-of select="@why"/></li>
                </xsl:for-each>
              </ul>
            </section>
          </xsl:if>
        </main>
        <footer>
          <p>Generated by pbr-settle <xsl:value-of select="$ix/@engineVersion"/>. The signed XML
            statements, not this page, are the record.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="plural">
    <xsl:param name="n"/>
    <xsl:param name="one"/>
    <xsl:param name="many"/>
    <xsl:choose>
      <xsl:when test="number($n) = 1"><xsl:value-of select="$one"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$many"/></xsl:otherwise>
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
:root { --ink: #1b1b1b; --muted: #595959; --rule: #c8c8c8; --band: #f3f5f7; --warn: #8a1c1c; --good: #1f5f22; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 80rem; padding: 1.5rem 1.25rem 3rem;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0.1rem 0 0.6rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 2px solid var(--ink); }
.kicker { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.8rem; }
.banner { padding: 0.5rem 0.75rem; margin: 0.4rem 0; border-left: 6px solid; }
.banner.warn { border-color: var(--warn); background: #fbeaea; color: var(--warn); }
.muted { color: var(--muted); }
.note { color: var(--muted); max-width: 60rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0 0.4rem; }
th, td { padding: 0.3rem 0.45rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); text-align: left; font-size: 0.85rem; vertical-align: bottom; }
tbody th { text-align: left; font-weight: normal; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--band); }
tr.faded th, tr.faded td.num { color: var(--muted); }
tfoot th, tfoot td { font-weight: 700; }
tfoot th { text-align: right; }
tr.grand th, tr.grand td { border-top: 2px solid var(--ink); border-bottom: 3px double var(--ink); }
.num { text-align: right; white-space: nowrap; }
thead th.num { text-align: right; }
td.strong { font-weight: 600; }
td.verdict { overflow-wrap: anywhere; }
td.ok { color: var(--good); }
td.bad { color: var(--warn); font-weight: 600; }
td.draft { color: #8a5a00; }
.detail { display: block; font-size: 0.78rem; color: var(--muted); font-weight: normal; }
.scroll { overflow-x: auto; max-width: 100%; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule); padding-top: 0.6rem; }
@media (max-width: 62rem) {
  body { font-size: 14px; padding: 1rem 0.6rem 2rem; }
  .opt, .detail { display: none; }
  td.verdict { font-size: 0.85rem; }
  th, td { padding: 0.25rem 0.3rem; }
}
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 9pt; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .scroll { overflow: visible; }
  tbody tr:nth-child(even) { background: none; }
  th, td { padding: 0.15rem 0.3rem; }
  .detail { font-size: 7pt; }
}
</xsl:text>
  </xsl:template>

</xsl:stylesheet>
