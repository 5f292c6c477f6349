/* fuzz: what the libFuzzer targets under tests/fuzz/ share.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput(); it links
 * against libnatter.a like the unit tests do and calls natter's real
 * functions. fuzz_tmpdir() gives a target a private directory (made
 * once per process, removed at exit) for what the code under test
 * writes to disk; fuzz_string() turns the fuzzer's bytes into a C
 * string (the bytes up to the first NUL; the caller frees it).
 */
#ifndef NATTER_TESTS_FUZZ_H
#define NATTER_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *fuzz_tmpdir(void);
char *fuzz_string(const uint8_t *data, size_t size);

#endif
