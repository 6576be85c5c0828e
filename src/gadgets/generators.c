/*
 * generators.c - the witness generators that gadgets register by name, for
 * loading stored prover data (serialize.h: bv_generator_resolver).
 */
#include <string.h>

#include "balverify/gadgets.h"

bv_simple_gen_fn bv_gadget_generator_by_name(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "Copy") == 0)
        return bv_copy_generator_fn;
    bv_simple_gen_fn f = bv_gadget_base_generator(name);
    if (!f)
        f = bv_gadget_ext_generator(name);
    return f ? f : bv_gadget_int_generator(name);
}
