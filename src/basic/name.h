/* Validation of container names and labels (manual: "Name", "Labels";
 * spec/protocol.md 10.1 and 10.3). Each checker returns 0, or fills e
 * (InvalidValue for names, InvalidLabel for labels) with a reason and
 * returns a negative errno. */
#pragma once

#include "error.h"

#define CT_NAME_COMPONENT_MAX 128
#define CT_NAME_MAX 200
#define CT_NAME_MAX_SUPERUSER 220
#define CT_LEVEL_MAX 16

#define LABEL_NAME_MAX 128
#define LABEL_VALUE_MAX 256
#define LABEL_PREFIX_MIN 2
#define LABEL_PREFIX_MAX 16
#define LABELS_PER_CONTAINER_MAX 100

/* Characters allowed in names, labels and label values. */
bool name_char_valid(char c);
/* A new relative container name "a/b/c": length 1..max_len, no leading or
 * trailing '/', no empty component, components <= 128 and not "self" or ".",
 * allowed characters only, at most CT_LEVEL_MAX components. */
int ct_name_check(const char *name, size_t max_len, struct perror *e);
/* Number of components ("a/b" -> 2). */
unsigned ct_name_level(const char *name);

/* "PREFIX.name": prefix 2..16 of A-Z, not starting with "PORTO", whole name
 * <= 128 of allowed characters. */
int label_name_check(const char *label, struct perror *e);
/* Allowed characters, <= 256 bytes; empty is allowed (means "remove"). */
int label_value_check(const char *value, struct perror *e);
/* True if the name has the label shape "UPPER." (used to route a property
 * name to labels; .FOO.bar counts as well). */
bool label_name_like(const char *name);
