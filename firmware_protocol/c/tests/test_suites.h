/* test_suites.h - one entry point per test file. */
#ifndef TEST_SUITES_H
#define TEST_SUITES_H

void run_framing_tests(void);
void run_ramp_tests(void);
void run_vector_tests(void);
void run_device_tests(void);
void run_watchdog_tests(void);
void run_rules_tests(void);

#endif /* TEST_SUITES_H */
