/* test_main.c - runs every C unit test and prints "N passed, M failed" as its last line. */
#include "mp_test.h"
#include "test_suites.h"

int mp_test_failed_checks = 0;
static int passed = 0;
static int failed = 0;

void mp_test_run(const char *name, mp_test_fn fn)
{
    mp_test_failed_checks = 0;
    fn();
    if (mp_test_failed_checks == 0) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s\n", name);
    }
}

int main(void)
{
    run_framing_tests();
    run_ramp_tests();
    run_vector_tests();
    run_device_tests();
    run_rules_tests();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
