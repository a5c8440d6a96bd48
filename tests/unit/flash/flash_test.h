/*
 * flash_test.h - helpers shared by the flash unit tests: the shared PNOR image
 * decompressed once into build/test-cache (atomically, tests run in parallel) and
 * small synthetic images built with ffs_build().
 */
#ifndef OPAL_RAS_TESTS_FLASH_TEST_H
#define OPAL_RAS_TESTS_FLASH_TEST_H

#include <stddef.h>
#include <stdint.h>

/* Path of the decompressed shared image (name "pnor-64M.img" or
 * "pnor-64M-with-gard.img"), or NULL when the shared data is absent. */
const char *ft_shared_image(const char *name);
/* Create a temporary directory (removed by the caller with ft_rmrf). */
char *ft_tmpdir(void);
void ft_rmrf(const char *dir);
/* Build the standard small two-sided test image (8 MiB) at path. */
void ft_build_two_sided(const char *path);
uint8_t *ft_read_file(const char *path, size_t *len);
void ft_write_file(const char *path, const void *buf, size_t len);

#endif
