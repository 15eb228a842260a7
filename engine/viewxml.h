/*
 * viewxml.h - figures read out of a parsed statement and written into the
 * view documents `report` assembles (the PCC view, the contract year, the
 * index): element lookup in the statement namespace, integers checked as
 * they are read, attributes written in plain decimal.
 */
#ifndef PBR_VIEWXML_H
#define PBR_VIEWXML_H

#include <libxml/tree.h>
#include <stdint.h>

/* The first element child of parent named name in the statement
 * namespace; NULL when there is none (or parent is NULL). */
xmlNodePtr pbr_vx_child(xmlNodePtr parent, const char *name);
/* The same in any namespace (the documents the engine builds). */
xmlNodePtr pbr_vx_child_any(xmlNodePtr parent, const char *name);

/* The text of n as an int64: 0, or -1 when n is NULL or not an integer. */
int pbr_vx_int(xmlNodePtr n, int64_t *out);
/* A non-negative decimal integer of up to 38 digits (BinaryVariance). */
int pbr_vx_u128(xmlNodePtr n, unsigned __int128 *out);
/* The text of n, or of its attribute attr, malloc'd ("" when n is NULL);
 * NULL only when out of memory. */
char *pbr_vx_text(xmlNodePtr n, const char *attr);

/* <name>v</name> under parent; attribute name="v" on n.  0 or -1. */
int pbr_vx_add_int(xmlNodePtr parent, const char *name, int64_t v);
int pbr_vx_set_int(xmlNodePtr n, const char *name, int64_t v);

/* A new document whose root element is name in namespace ns; NULL when
 * out of memory.  *root is set to the root. */
xmlDocPtr pbr_vx_new_doc(const char *name, const char *ns, xmlNodePtr *root);

#endif
