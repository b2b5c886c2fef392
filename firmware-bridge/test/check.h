/*
 * check.h — minimal assertion counting for the host-built firmware tests.
 */
#ifndef CB_CHECK_H
#define CB_CHECK_H

#include <stdio.h>

extern unsigned check_count;
extern unsigned check_failures;

#define CHECK(cond, ...)                                                                 \
    do {                                                                                 \
        check_count++;                                                                   \
        if (!(cond)) {                                                                   \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                                \
            fputc('\n', stderr);                                                         \
        }                                                                                \
    } while (0)

void test_vectors(void);
void test_core(void);
void test_sim(void);
void test_fuzz(unsigned long scale_percent);
/* EtherCAT: frames and master (t_ecat_master.c), emulated segment and drives (t_ecat_emu.c) */
void test_ecat_master(void);
void test_ecat_emu(void);

#endif
