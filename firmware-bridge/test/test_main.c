/*
 * test_main.c — runs the firmware's host-built tests; exit status 0 only if every check passed.
 *   test-bridge [fuzz-scale-percent]   (default 100: the full fuzz counts)
 */
#include <stdlib.h>

#include "check.h"

unsigned check_count;
unsigned check_failures;

int main(int argc, char **argv)
{
    unsigned long scale = 100u;
    if (argc > 1) {
        scale = strtoul(argv[1], NULL, 10);
    }
    test_vectors();
    test_core();
    test_sim();
    test_ecat_master();
    test_ecat_emu();
    test_fuzz(scale);
    printf("%u checks, %u failed\n", check_count, check_failures);
    return check_failures == 0u ? 0 : 1;
}
