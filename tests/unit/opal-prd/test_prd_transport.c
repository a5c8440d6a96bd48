/*
 * test_prd_transport.c - the /dev/opal-prd ioctl numbers come from the _IOR/_IOW macros
 * and match the kernel's values for the architecture we are built for
 * (opal-sysfs-and-prd.md §4.2: powerpc uses 3 direction bits, others 2).
 */
#include <criterion/criterion.h>

#include "opal-prd/prd_transport.h"

Test(prd_transport, ioctl_numbers_per_architecture)
{
	cr_assert_eq(sizeof(struct opal_prd_info), 32);
	cr_assert_eq(sizeof(struct opal_prd_scom), 32);
#if defined(__powerpc__) || defined(__powerpc64__)
	cr_assert_eq((unsigned long)OPAL_PRD_GET_INFO, 0x40206f01ul);
	cr_assert_eq((unsigned long)OPAL_PRD_SCOM_READ, 0x40206f02ul);
	cr_assert_eq((unsigned long)OPAL_PRD_SCOM_WRITE, 0x80206f03ul);
#else
	cr_assert_eq((unsigned long)OPAL_PRD_GET_INFO, 0x80206f01ul);
	cr_assert_eq((unsigned long)OPAL_PRD_SCOM_READ, 0x80206f02ul);
	cr_assert_eq((unsigned long)OPAL_PRD_SCOM_WRITE, 0x40206f03ul);
#endif
}
