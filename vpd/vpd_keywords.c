/*
 * vpd_keywords.c - the keyword name table shared by the PCI and IPZ decoders and the
 * renderers, and the one function that turns keyword data into display text.
 *
 * Names follow lspci (PCI) and lsvpd/libvpd (IBM IPZ). Wildcard entries ("V*") match
 * any second character. Data is untrusted: vpd_value_text never writes past outn.
 */
#include "vpd/vpd.h"

#include <string.h>

struct kw_name {
	const char *kw; /* "PN", or "V*" for a family */
	const char *pci;
	const char *ipz;
	bool binary;
};

static const struct kw_name kw_names[] = {
	{ "PN", "Part number", "Part Number", false },
	{ "EC", "Engineering changes", "EC Level", false },
	{ "SN", "Serial number", "Serial Number", false },
	{ "MN", "Manufacture ID", "Manufacturer ID", true },
	{ "FG", "Function group", NULL, false },
	{ "LC", "Location", NULL, false },
	{ "PG", "PCI geography", NULL, false },
	{ "CP", "Extended capability", NULL, true },
	{ "RV", "Reserved", NULL, true },
	{ "RW", "Read-write area", NULL, true },
	{ "YA", "Asset tag", "Asset Tag", false },
	{ "RT", NULL, "Record Type", false },
	{ "DR", NULL, "Description", false },
	{ "FN", "FRU number", "FRU Number", false },
	{ "CC", "CCIN", "Customer Card ID Number", false },
	{ "CE", NULL, "CCIN Extension", false },
	{ "VZ", NULL, "Version", false },
	{ "HE", NULL, "Hardware EC", false },
	{ "CT", NULL, "Card Type", true },
	{ "HW", NULL, "Hardware Version", true },
	{ "PR", NULL, "Power Control", true },
	{ "PF", NULL, "Pad Fill", true },
	{ "B3", NULL, "Hardware Characteristics", true },
	{ "B4", NULL, "Manufacturing Data", true },
	{ "B7", NULL, "Manufacturing Data", true },
	{ "B9", NULL, "Manufacturing Data", true },
	{ "RM", "Firmware version", "Firmware Level", false },
	{ "RL", NULL, "ROS Level", false },
	{ "TM", NULL, "Machine Type-Model", false },
	{ "SE", NULL, "System Serial Number", false },
	{ "BR", NULL, "Brand", false },
	{ "SU", NULL, "System Unique ID", true },
	{ "VK", NULL, "Keyword Version", false },
	{ "VN", NULL, "Vendor", false },
	{ "VP", NULL, "Part Number", false },
	{ "VS", NULL, "Serial Number", false },
	{ "MB", NULL, "Build Date", true },
	{ "MF", NULL, "Manufacturer", false },
	{ "FC", "Feature code", "Feature Code", false },
	{ "NA", "Network address", "Network Address", false },
	{ "SZ", NULL, "Size", false },
	{ "YL", NULL, "Location Code", false },
	{ "V*", "Vendor specific", "Vendor Specific", false },
	{ "Y*", "System specific", "System Specific", false },
	{ "Z*", NULL, "Device Specific", false },
};

static const struct kw_name *kw_lookup(const char *kw)
{
	const struct kw_name *wild = NULL;

	if (!kw || !kw[0] || !kw[1])
		return NULL;
	for (size_t i = 0; i < sizeof(kw_names) / sizeof(kw_names[0]); i++) {
		const struct kw_name *k = &kw_names[i];
		if (k->kw[0] != kw[0])
			continue;
		if (k->kw[1] == kw[1])
			return k;
		if (k->kw[1] == '*')
			wild = k;
	}
	return wild;
}

const char *vpd_keyword_name(const char *kw, bool ipz)
{
	const struct kw_name *k = kw_lookup(kw);

	if (!k)
		return NULL;
	if (ipz)
		return k->ipz ? k->ipz : k->pci;
	return k->pci;
}

bool vpd_keyword_is_binary(const char *kw, bool ipz)
{
	const struct kw_name *k = kw_lookup(kw);

	if (!k)
		return false;
	if (!ipz && kw[0] == 'M' && kw[1] == 'N')
		return true;
	return k->binary;
}

char *vpd_value_text(const uint8_t *p, size_t n, bool force_hex, char *out, size_t outn)
{
	static const char hx[] = "0123456789abcdef";
	size_t end = n, o = 0;
	bool text = !force_hex;

	if (outn == 0)
		return out;
	while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\0'))
		end--;
	for (size_t i = 0; text && i < end; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			text = false;
	if (text) {
		for (size_t i = 0; i < end && o + 1 < outn; i++)
			out[o++] = (char)p[i];
	} else {
		for (size_t i = 0; i < n && o + 2 < outn; i++) {
			out[o++] = hx[p[i] >> 4];
			out[o++] = hx[p[i] & 0xf];
		}
	}
	out[o] = '\0';
	return out;
}
