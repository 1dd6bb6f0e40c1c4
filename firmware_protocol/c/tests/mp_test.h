/* mp_test.h - a tiny unit-test harness for the C core (test code only; uses stdio). */
#ifndef MP_TEST_H
#define MP_TEST_H

#include <stdio.h>

extern int mp_test_failed_checks; /* failed checks in the running test */

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            printf("  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
            mp_test_failed_checks++;                                                \
        }                                                                           \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                          \
    do {                                                                            \
        long mp_a_ = (long)(a), mp_b_ = (long)(b);                                  \
        if (mp_a_ != mp_b_) {                                                       \
            printf("  %s:%d: %s == %ld, expected %s == %ld\n", __FILE__, __LINE__,  \
                   #a, mp_a_, #b, mp_b_);                                           \
            mp_test_failed_checks++;                                                \
        }                                                                           \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                       \
    do {                                                                            \
        double mp_a_ = (double)(a), mp_b_ = (double)(b);                            \
        if (mp_a_ - mp_b_ > (tol) || mp_b_ - mp_a_ > (tol)) {                       \
            printf("  %s:%d: %s == %g, expected %g\n", __FILE__, __LINE__, #a,      \
                   mp_a_, mp_b_);                                                   \
            mp_test_failed_checks++;                                                \
        }                                                                           \
    } while (0)

typedef void (*mp_test_fn)(void);

/* Run one test; prints its name on failure. */
void mp_test_run(const char *name, mp_test_fn fn);

#define RUN(fn) mp_test_run(#fn, fn)

#endif /* MP_TEST_H */
