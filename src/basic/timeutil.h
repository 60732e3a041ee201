/* Clocks and time formatting. */
#pragma once

#include <time.h>
#include "macros.h"

uint64_t now_monotonic_ms(void);
uint64_t now_realtime_ms(void);
/* "YYYY-MM-DD hh:mm:ss" in local time, as the manual's *_time properties. */
char *format_time(char *buf, size_t len, time_t t);
