/* clock.c - see include/balverify/util_clock.h */
#include "balverify/util_clock.h"

double bv_clock_s(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
