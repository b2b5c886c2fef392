/*
 * crt0.c — C runtime start for the Cortex-M ports: static storage as C requires it (.data from its
 * flash image, .bss zero; C11 §6.7.9 ¶10), then main. main never returns; if it did, the CPU parks
 * like on a fault.
 */
#include <stdint.h>
#include <string.h>

#include "crt0.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;

int main(void);

void default_handler(void)
{
    for (;;) {
        __asm__ volatile("nop");
    }
}

void crt0_start(void)
{
    size_t data_len = (size_t)((uintptr_t)&_edata - (uintptr_t)&_sdata);
    size_t bss_len = (size_t)((uintptr_t)&_ebss - (uintptr_t)&_sbss);
    memcpy(&_sdata, &_sidata, data_len);
    memset(&_sbss, 0, bss_len);
    (void)main();
    default_handler();
    __builtin_unreachable();
}
