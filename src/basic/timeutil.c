/* Clocks and the manual's time format. */
#include "timeutil.h"

static uint64_t clock_ms(clockid_t id)
{
        struct timespec ts;

        clock_gettime(id, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

uint64_t now_monotonic_ms(void)
{
        return clock_ms(CLOCK_MONOTONIC);
}

uint64_t now_realtime_ms(void)
{
        return clock_ms(CLOCK_REALTIME);
}

char *format_time(char *buf, size_t len, time_t t)
{
        struct tm tm;

        if (len == 0)
                return buf;
        if (!localtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
                buf[0] = 0;
        return buf;
}
