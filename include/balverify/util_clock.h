/*
 * util_clock.h - clocks as seconds in a double.
 *
 * Invariants:
 *  - bv_now_s is CLOCK_MONOTONIC: never goes back, unaffected by changes of
 *    the wall-clock time; only differences mean anything.
 *  - bv_clock_s reads any POSIX clock (CLOCK_PROCESS_CPUTIME_ID,
 *    CLOCK_THREAD_CPUTIME_ID for CPU time); 0 if the clock cannot be read.
 */
#ifndef BALVERIFY_UTIL_CLOCK_H
#define BALVERIFY_UTIL_CLOCK_H

#include <time.h>

double bv_clock_s(clockid_t id);

static inline double bv_now_s(void)
{
    return bv_clock_s(CLOCK_MONOTONIC);
}

#endif
