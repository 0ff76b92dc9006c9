/* SPDX-License-Identifier: Apache-2.0 */
/* tables_codes.c -- loading codes.tsv, necessity.tsv and icd10cm.tsv: what a session maps to and
 * which diagnoses support it. */
#include <ctype.h>
#include <string.h>

#include "rules/load.h"
#include "rules/tsv.h"
#include "slpcoder/cms.h"

const char *const slp__area_names[9] = {NULL,
                                        "FLUENCY",
                                        "SPEECH_SOUND",
                                        "LANGUAGE",
                                        "VOICE",
                                        "SWALLOWING",
                                        "SPEECH_GENERATING_DEVICE",
                                        "COGNITION",
                                        "AURAL_REHAB"};
const char *const slp__kind_names[6] = {NULL,       "MEDICARE_PART_B", "MEDICARE_ADVANTAGE",
                                        "MEDICAID", "COMMERCIAL",      "SELF_PAY"};

void *slp__vec_push(void **v, size_t *n, size_t *cap, size_t size) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    void *nv = realloc(*v, nc * size);
    if (nv == NULL)
      return NULL;
    *v = nv;
    *cap = nc;
  }
  char *p = (char *)*v + (*n)++ * size;
  memset(p, 0, size);
  return p;
}

static int family_index(const slp_rules_t *r, const char *name) {
  for (size_t i = 0; i < r->n_families; i++)
    if (strcmp(r->families[i], name) == 0)
      return (int)i;
  return -1;
}

/* A diagnosis prefix pattern: a letter, then up to 6 upper-case letters, digits or '?'; no dot. */
static int dx_pattern(slp__tsv_t *t, size_t col, char out[SLP__CODE]) {
  const char *s = t->cell[col];
  size_t l = strlen(s);
  bool ok = l >= 1 && l < SLP__CODE && isupper((unsigned char)s[0]);
  for (size_t i = 0; ok && i < l; i++)
    ok = isdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]) || s[i] == '?';
  if (!ok) {
    slp__tsv_error(t, "column %s: \"%.40s\" is not an ICD-10-CM code or prefix without the dot",
                   t->cols[col], s);
    return -1;
  }
  memset(out, 0, SLP__CODE);
  memcpy(out, s, l);
  return 0;
}

void slp__load_necessity(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"family", "prefix"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "necessity.tsv", cols, 2, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    char name[SLP__ID], prefix[SLP__CODE];
    int bad = slp__tsv_id(&t, 0, name, sizeof name);
    bad |= dx_pattern(&t, 1, prefix);
    if (bad)
      continue;
    int f = family_index(r, name);
    if (f < 0) {
      if (r->n_families == SLP__MAX_FAMILIES) {
        slp__tsv_error(&t, "more than %d families", SLP__MAX_FAMILIES);
        continue;
      }
      f = (int)r->n_families++;
      memcpy(r->families[f], name, SLP__ID);
    }
    slp__xwalk_row_t *x = SLP__PUSH(r->xwalk);
    if (x == NULL)
      break;
    x->family = (uint8_t)f;
    memcpy(x->prefix, prefix, SLP__CODE);
  }
  slp__tsv_close(&t);
}

void slp__load_icd(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"code", "status"};
  static const char *const status[] = {"header", "manifestation"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "icd10cm.tsv", cols, 2, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    char code[SLP__CODE];
    int st;
    int bad = dx_pattern(&t, 0, code);
    bad |= slp__tsv_enum(&t, 1, status, 2, &st);
    if (bad)
      continue;
    if (st == 0 && strchr(code, '?') != NULL) {
      slp__tsv_error(&t, "column code: a header is one code, not a pattern");
      continue;
    }
    slp__icd_row_t *row = st == 0 ? SLP__PUSH(r->icd_headers) : SLP__PUSH(r->icd_manifest);
    if (row == NULL)
      break;
    memcpy(row->code, code, SLP__CODE);
  }
  slp__tsv_close(&t);
}

/* pointers.tsv: per service area, the diagnoses that best support its lines (pointed at first). */
void slp__load_pointers(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  static const char *const cols[] = {"area", "prefix"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "pointers.tsv", cols, 2, errs) != 0)
    return;
  while (slp__tsv_next(&t)) {
    int area;
    char prefix[SLP__CODE];
    int bad = slp__tsv_enum(&t, 0, slp__area_names, 9, &area);
    bad |= dx_pattern(&t, 1, prefix);
    if (bad)
      continue;
    slp__rank_row_t *k = SLP__PUSH(r->ranks);
    if (k == NULL)
      break;
    k->area = (uint8_t)area;
    memcpy(k->prefix, prefix, SLP__CODE);
  }
  slp__tsv_close(&t);
}

/* The scheme names, in slp__scheme_t order. */
static const char *const scheme_names[] = {"untimed", "timed15", "hour", "chain_area",
                                           "chain_pooled"};

static int scheme_cell(slp__tsv_t *t, size_t col, uint8_t *out) {
  int v;
  if (slp__tsv_enum(t, col, scheme_names, 5, &v) != 0)
    return -1;
  *out = (uint8_t)v;
  return 0;
}

int slp__scheme_parse(slp__tsv_t *t, size_t col, uint8_t *out) {
  /* payer_units.tsv: a payer bills a code untimed or per 15 minutes, or never covers it. */
  static const char *const names[] = {"untimed", "timed15", "not_covered"};
  int v;
  if (slp__tsv_enum(t, col, names, 3, &v) != 0)
    return -1;
  *out = (uint8_t)v;
  return 0;
}

/* A row that was reported (the bundle is then refused) but whose key (area, kind, setting) was
 * readable: keep a placeholder that is never effective (to < from: it neither codes nor
 * overlaps), so that a row combining with this area does not add a misleading "has no row of
 * its kind" to the one real error. */
static void placeholder(slp_rules_t *r, const slp__tsv_t *t, int area, int kind, int setting,
                        uint32_t *order) {
  for (int g = 0; g < 2; g++) {
    if (setting != 2 && setting != g)
      continue;
    slp__code_row_t *p = SLP__PUSH(r->codes);
    if (p == NULL)
      return;
    memset(p, 0, sizeof *p);
    p->area = (uint8_t)area;
    p->cls = (uint8_t)kind;
    p->group = (uint8_t)g;
    p->from = 0;
    p->to = -1;
    p->order = (*order)++;
    p->line = (uint32_t)t->line;
  }
}

void slp__load_codes(slp_rules_t *r, const char *dir, slp_rules_errors_t *errs) {
  enum {
    AREA,
    KIND,
    SETTING,
    CODE,
    SCHEME,
    MIN,
    BLOCK,
    ADDON,
    ABLOCK,
    AMIN,
    MOD,
    COMBINE,
    FAMILY,
    FROM,
    TO,
    NCOLS
  };
  static const char *const cols[NCOLS] = {
      "area",        "kind",          "setting",    "code",           "scheme",
      "min_minutes", "block_minutes", "addon_code", "addon_block",    "addon_min",
      "modifier",    "combine_with",  "family",     "effective_from", "effective_to"};
  static const char *const kinds[] = {"EVAL", "TREAT"};
  static const char *const settings[] = {"IND", "GROUP", "ANY"};
  static const char *const mods[] = {"-", "52"};
  slp__tsv_t t;
  if (slp__tsv_open(&t, dir, "codes.tsv", cols, NCOLS, errs) != 0)
    return;
  uint32_t order = 0;
  while (slp__tsv_next(&t)) {
    slp__code_row_t row;
    memset(&row, 0, sizeof row);
    int area, kind, setting, mod, combine = 0;
    uint32_t mn = 0, bl = 0, ab = 0, am = 0;
    int bad_key = slp__tsv_enum(&t, AREA, slp__area_names, 9, &area);
    bad_key |= slp__tsv_enum(&t, KIND, kinds, 2, &kind);
    bad_key |= slp__tsv_enum(&t, SETTING, settings, 3, &setting);
    int bad = bad_key;
    bad |= slp__tsv_code(&t, CODE, false, row.code);
    bad |= scheme_cell(&t, SCHEME, &row.scheme);
    bad |= slp__tsv_uint(&t, MIN, 600, &mn);
    bad |= slp__tsv_uint(&t, BLOCK, 600, &bl);
    bad |= slp__tsv_code(&t, ADDON, true, row.addon);
    bad |= slp__tsv_uint(&t, ABLOCK, 600, &ab);
    bad |= slp__tsv_uint(&t, AMIN, 600, &am);
    bad |= slp__tsv_enum(&t, MOD, mods, 2, &mod);
    if (strcmp(t.cell[COMBINE], "-") != 0)
      bad |= slp__tsv_enum(&t, COMBINE, slp__area_names, 9, &combine);
    int fam = family_index(r, t.cell[FAMILY]);
    if (fam < 0) {
      slp__tsv_error(&t, "column family: \"%.40s\" is not a family named in necessity.tsv",
                     t.cell[FAMILY]);
      bad = -1;
    }
    bad |= slp__tsv_date(&t, FROM, false, &row.from);
    bad |= slp__tsv_date(&t, TO, true, &row.to);
    if (bad) {
      if (!bad_key)
        placeholder(r, &t, area, kind, setting, &order);
      continue;
    }
    if (row.to < row.from) {
      slp__tsv_error(&t, "effective_to is before effective_from");
      placeholder(r, &t, area, kind, setting, &order);
      continue;
    }
    if (row.scheme != SLP__UNTIMED && (bl == 0 || mn > bl)) {
      slp__tsv_error(&t, "a timed code needs block_minutes > 0 and min_minutes <= block_minutes");
      placeholder(r, &t, area, kind, setting, &order);
      continue;
    }
    if (row.addon[0] != '\0' && (ab == 0 || am > ab)) {
      slp__tsv_error(&t, "an add-on needs addon_block > 0 and addon_min <= addon_block");
      placeholder(r, &t, area, kind, setting, &order);
      continue;
    }
    if (combine == area) {
      slp__tsv_error(&t, "column combine_with: an area cannot combine with itself");
      placeholder(r, &t, area, kind, setting, &order);
      continue;
    }
    row.area = (uint8_t)area;
    row.cls = (uint8_t)kind;
    row.combine = (uint8_t)combine;
    row.family = (uint8_t)fam;
    row.min_minutes = (uint16_t)mn;
    row.block_minutes = (uint16_t)bl;
    row.addon_block = (uint16_t)ab;
    row.addon_min = (uint16_t)am;
    if (mod == 1)
      memcpy(row.modifier, "52", 3);
    for (int g = 0; g < 2; g++) {
      if (setting != 2 && setting != g)
        continue;
      slp__code_row_t *p = SLP__PUSH(r->codes);
      if (p == NULL)
        break;
      *p = row;
      p->group = (uint8_t)g;
      p->order = order++;
      p->line = (uint32_t)t.line;
    }
  }
  slp__tsv_close(&t);
}
