/*
 * pel_names.c - the PEL name tables (spec pel.md section 5) and small value helpers
 * (BCD time formatting, section ids, warning texts) shared by every renderer.
 *
 * One table per enumeration, merged from phosphor-logging and ppc64-diag with
 * phosphor-logging's wording as the default and the ppc64-diag-only codes added.
 * Tables are indexed by the byte value, so every lookup is O(1) and allocation-free.
 * Unknown values give NULL (callers print the number) unless a function says otherwise.
 */
#include "errlog/pel.h"

#include <stdio.h>
#include <string.h>

#include "common/timeutil.h"

static const char *const creators[256] = {
	['B'] = "Hostboot",
	['C'] = "HMC",
	['E'] = "Service Processor",
	['H'] = "PHYP",
	['K'] = "OPAL (Sapphire)",
	['L'] = "Partition FW",
	['M'] = "I/O Drawer",
	['O'] = "BMC",
	['P'] = "PowerNV",
	['S'] = "SLIC",
	['T'] = "OCC",
	['W'] = "Power Control",
};

const char *pel_creator_name(uint8_t c)
{
	return creators[c] ? creators[c] : "Unknown";
}

static const char *const subsystems[256] = {
	[0x10] = "Processor",
	[0x11] = "Processor FRU",
	[0x12] = "Processor Chip including Internal Cache",
	[0x13] = "Processor Unit (CPU)",
	[0x14] = "Processor Bus Controller",
	[0x20] = "Memory",
	[0x21] = "Memory Controller",
	[0x22] = "Memory Bus Interface",
	[0x23] = "Memory DIMM",
	[0x24] = "Memory Card/FRU",
	[0x25] = "External Cache",
	[0x30] = "I/O",
	[0x31] = "I/O Hub RIO",
	[0x32] = "I/O Bridge",
	[0x33] = "I/O Bus Interface",
	[0x34] = "I/O Processor",
	[0x35] = "I/O Hub Other (SMA)",
	[0x36] = "RIO Loop and Associated RIO Hub",
	[0x37] = "RIO Loop and Associated RIO Bridge",
	[0x38] = "PHB",
	[0x39] = "EADS/EADS-X Global",
	[0x3A] = "EADS/EADS-X Slot",
	[0x3B] = "InfiniBand Hub",
	[0x3C] = "InfiniBand Bridge",
	[0x40] = "I/O Adapter, Device and Peripheral",
	[0x41] = "I/O Adapter - Communication",
	[0x46] = "I/O Device",
	[0x47] = "I/O Device - Disk",
	[0x4C] = "I/O External Peripheral",
	[0x4D] = "I/O External Peripheral - Local Workstation",
	[0x4E] = "I/O Storage Mezzanine Expansion",
	[0x50] = "CEC Hardware",
	[0x51] = "CEC Hardware - Service Processor A",
	[0x52] = "CEC Hardware - Service Processor B",
	[0x53] = "CEC Hardware - Node Controller",
	[0x55] = "CEC Hardware - VPD Interface",
	[0x56] = "CEC Hardware - I2C Devices",
	[0x57] = "CEC Chip Interface (JTAG, FSI)",
	[0x58] = "CEC Hardware - Clock",
	[0x59] = "CEC Hardware - Operator Panel",
	[0x5A] = "CEC Hardware - Time of Day Hardware",
	[0x5B] = "CEC Hardware - Memory/Storage Device (NVRAM, Flash)",
	[0x5C] = "CEC Hardware - Service Processor-Hypervisor Interface",
	[0x5D] = "CEC Hardware - Service Network",
	[0x5E] = "CEC Hardware - Service Processor-Hostboot Interface",
	[0x60] = "Power/Cooling",
	[0x61] = "Power Supply",
	[0x62] = "Power Control Hardware",
	[0x63] = "Fan (Air Moving Devices)",
	[0x64] = "Digital Power Supply Subsystem",
	[0x70] = "Miscellaneous",
	[0x71] = "HMC Subsystem and Hardware",
	[0x72] = "Test Tool",
	[0x73] = "Removable Media",
	[0x74] = "Multiple Subsystems",
	[0x75] = "Not Applicable",
	[0x76] = "Miscellaneous",
	[0x77] = "CMM A",
	[0x78] = "CMM B",
	[0x7A] = "Hypervisor lost communication with service processor",
	[0x7B] = "Service processor lost communication with hypervisor",
	[0x7C] = "Service processor lost communication with HMC",
	[0x7D] = "HMC lost communication with logical partition",
	[0x7E] = "HMC lost communication with BPA",
	[0x7F] = "HMC lost communication with another HMC",
	[0x80] = "Platform Firmware",
	[0x81] = "Service Processor Firmware",
	[0x82] = "Hypervisor Firmware",
	[0x83] = "Partition Firmware",
	[0x84] = "SLIC Firmware",
	[0x85] = "SPCN Firmware",
	[0x86] = "Bulk Power Firmware Side A",
	[0x87] = "HMC Code",
	[0x88] = "Bulk Power Firmware Side B",
	[0x89] = "Virtual Service Processor Firmware",
	[0x8A] = "Hostboot",
	[0x8B] = "OCC",
	[0x8D] = "BMC Firmware",
	[0x90] = "Software",
	[0x91] = "Operating System Software",
	[0x92] = "XPF Software",
	[0x93] = "Application Software",
	[0xA0] = "External Environment",
	[0xA1] = "Input Power Source (AC)",
	[0xA2] = "Room Ambient Temperature",
	[0xA3] = "User Error",
	[0xA4] = "Corrosion",
};

const char *pel_subsystem_name(uint8_t s)
{
	if (subsystems[s])
		return subsystems[s];
	return subsystems[s & 0xF0]; /* the class, NULL for 0x0x and 0xBx-0xFx */
}

static const char *const severities[256] = {
	[0x00] = "Informational Event",
	[0x10] = "Recovered Error",
	[0x20] = "Predictive Error",
	[0x21] = "Predictive Error, Degraded Performance",
	[0x22] = "Predictive Error, Correctable After Re-IPL",
	[0x23] = "Predictive Error, Correctable After Re-IPL, Degraded Performance",
	[0x24] = "Predictive Error, Loss of Redundancy",
	[0x40] = "Unrecoverable Error",
	[0x41] = "Unrecoverable Error, Bypassed with Degraded Performance",
	[0x44] = "Unrecoverable Error, Bypassed with Loss of Redundancy",
	[0x45] = "Unrecoverable Error, Bypassed with Loss of Redundancy and Performance",
	[0x48] = "Unrecoverable Error, Bypassed with Loss of Function",
	[0x50] = "Critical Error, Scope of Failure Unknown",
	[0x51] = "Critical Error, System Termination",
	[0x52] = "Critical Error, System Failure Likely or Imminent",
	[0x53] = "Critical Error, Partition(s) Terminated",
	[0x54] = "Critical Error, Partition(s) Failure Likely or Imminent",
	[0x60] = "Error on Diagnostic Test",
	[0x61] = "Diagnostic Error, Resource may Produce Incorrect Results",
	[0x70] = "Symptom",
	[0x71] = "Symptom, Recovered",
	[0x72] = "Symptom, Predictive",
	[0x74] = "Symptom, Unrecoverable",
	[0x75] = "Symptom, Critical",
	[0x76] = "Symptom, Diagnostic Error",
};

const char *pel_severity_name(uint8_t s)
{
	if (severities[s])
		return severities[s];
	return severities[s & 0xF0];
}

static const char *const sev_classes[16] = {
	[0x0] = "Informational Event",
	[0x1] = "Recovered Error",
	[0x2] = "Predictive Error",
	[0x4] = "Unrecoverable Error",
	[0x5] = "Critical Error",
	[0x6] = "Error on Diagnostic Test",
	[0x7] = "Symptom",
};

const char *pel_severity_class_name(uint8_t s)
{
	return sev_classes[s >> 4] ? sev_classes[s >> 4] : "Unknown Severity";
}

static const char *const event_types[256] = {
	[0x00] = "Not Applicable",
	[0x01] = "Miscellaneous, Informational Only",
	[0x02] = "Tracing Event",
	[0x08] = "Dump Notification",
	[0x10] = "Previously Reported Error Corrected",
	[0x20] = "Resources Deconfigured by User",
	[0x21] = "Resources Deconfigured by System due to Prior Error",
	[0x22] = "Resource Deallocation Event Notification",
	[0x30] = "Customer Environmental Problem Back to Normal",
	[0x40] = "Concurrent Maintenance Event",
	[0x60] = "Capacity Upgrade Event",
	[0x70] = "Resource Sparing Event",
	[0x80] = "Dynamic Reconfiguration Event",
	[0xD0] = "Normal System/Platform Shutdown or Powered Off",
	[0xE0] = "Platform Powered Off by User without Normal Shutdown",
};

const char *pel_event_type_name(uint8_t t)
{
	return event_types[t];
}

const char *pel_scope_name(uint8_t s)
{
	static const char *const scopes[5] = { NULL, "Single Partition", "Multiple Partitions",
					       "Entire Platform", "Multiple Platforms" };
	return s < 5 ? scopes[s] : NULL;
}

static const char *const priorities[256] = {
	['H'] = "Mandatory, replace all with this type as a unit",
	['M'] = "Medium Priority",
	['A'] = "Medium Priority A, replace these as a group",
	['B'] = "Medium Priority B, replace these as a group",
	['C'] = "Medium Priority C, replace these as a group",
	['L'] = "Lowest priority replacement",
};

const char *pel_priority_name(uint8_t p)
{
	return priorities[p];
}

static const char *const fru_types[16] = {
	[0x1] = "Hardware FRU",
	[0x2] = "Code FRU",
	[0x3] = "Configuration Error, Configuration Procedure Required",
	[0x4] = "Maintenance Procedure Required",
	[0x9] = "External FRU",
	[0xA] = "External Code FRU",
	[0xB] = "Tool FRU",
	[0xC] = "Symbolic FRU",
	[0xE] = "Symbolic FRU with Trusted Location Code",
};

const char *pel_fru_type_name(uint8_t fru_flags)
{
	return fru_types[fru_flags >> 4];
}

const char *pel_action_name(uint16_t bit)
{
	switch (bit) {
	case PEL_ACT_SERVICE:
		return "Service Action Required";
	case PEL_ACT_HIDDEN:
		return "Event not customer viewable";
	case PEL_ACT_REPORT:
		return "Report Externally";
	case PEL_ACT_DONT_REPORT:
		return "Do Not Report to Hypervisor";
	case PEL_ACT_CALL_HOME:
		return "HMC Call Home";
	case PEL_ACT_ISO_INCOMPLETE:
		return "Isolation Incomplete, further analysis required";
	case PEL_ACT_SP_CALL_HOME:
		return "Service Processor Call Home Required";
	case PEL_ACT_OS_SW_ERROR:
		return "Report as OS Software Error";
	case PEL_ACT_OS_HW_ERROR:
		return "Report as OS Hardware Error";
	case PEL_ACT_HEARTBEAT:
		return "Heartbeat Call Home";
	default:
		return NULL;
	}
}

/* Section id -> kind and title. */
enum pel_kind pel_kind_lookup(uint16_t id)
{
	switch (id) {
	case PEL_SID_PH:
		return PEL_K_PH;
	case PEL_SID_UH:
		return PEL_K_UH;
	case PEL_SID_PS:
		return PEL_K_PS;
	case PEL_SID_SS:
		return PEL_K_SS;
	case PEL_SID_EH:
		return PEL_K_EH;
	case PEL_SID_MT:
		return PEL_K_MT;
	case PEL_SID_HM:
		return PEL_K_HM;
	case PEL_SID_UD:
		return PEL_K_UD;
	case PEL_SID_ED:
		return PEL_K_ED;
	case PEL_SID_EP:
		return PEL_K_EP;
	case PEL_SID_IE:
		return PEL_K_IE;
	case PEL_SID_MI:
		return PEL_K_MI;
	case PEL_SID_CH:
		return PEL_K_CH;
	case PEL_SID_LP:
		return PEL_K_LP;
	case PEL_SID_LR:
		return PEL_K_LR;
	case PEL_SID_DH:
		return PEL_K_DH;
	case PEL_SID_SW:
		return PEL_K_SW;
	case PEL_SID_EI:
		return PEL_K_EI;
	default:
		return PEL_K_OPAQUE;
	}
}

static const char *const titles[PEL_K_COUNT] = {
	[PEL_K_OPAQUE] = "Unknown Section",
	[PEL_K_PH] = "Private Header",
	[PEL_K_UH] = "User Header",
	[PEL_K_PS] = "Primary SRC",
	[PEL_K_SS] = "Secondary SRC",
	[PEL_K_EH] = "Extended User Header",
	[PEL_K_MT] = "Failing MTMS",
	[PEL_K_HM] = "HMC ID",
	[PEL_K_UD] = "User Data",
	[PEL_K_ED] = "Extended User Data",
	[PEL_K_EP] = "EPOW",
	[PEL_K_IE] = "IO Event",
	[PEL_K_MI] = "MFG Info",
	[PEL_K_CH] = "Call Home",
	[PEL_K_LP] = "Logical Partition",
	[PEL_K_LR] = "Logical Resource",
	[PEL_K_DH] = "Dump Locator",
	[PEL_K_SW] = "Firmware Error",
	[PEL_K_EI] = "Env Info",
};

const char *pel_section_title(uint16_t id)
{
	return titles[pel_kind_lookup(id)];
}

char *pel_sid_str(uint16_t id, char out[3])
{
	uint8_t a = (uint8_t)(id >> 8), b = (uint8_t)id;

	out[0] = (a >= 0x20 && a < 0x7f) ? (char)a : '.';
	out[1] = (b >= 0x20 && b < 0x7f) ? (char)b : '.';
	out[2] = 0;
	return out;
}

const struct pel_time *pel_log_time(const struct pel *p)
{
	if (p->ph.commit.valid)
		return &p->ph.commit;
	if (p->ph.create.valid)
		return &p->ph.create;
	return NULL;
}

bool pel_time_to_us(const struct pel_time *t, int64_t *us)
{
	if (!t->valid)
		return false;
	return time_utc_to_us(t->year, t->month, t->day, t->hour, t->minute, t->second,
			      t->hundredths * 10000, us);
}

char *pel_time_format(const struct pel_time *t, char *out, size_t n)
{
	if (t->valid)
		snprintf(out, n, "%04u-%02u-%02u %02u:%02u:%02u", t->year, t->month, t->day,
			 t->hour, t->minute, t->second);
	else
		snprintf(out, n, "%s0x%02X%02X%02X%02X%02X%02X%02X%02X",
			 t->zero ? "unset " : "invalid ", t->raw[0], t->raw[1], t->raw[2],
			 t->raw[3], t->raw[4], t->raw[5], t->raw[6], t->raw[7]);
	return out;
}

static char *two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* Hand-formatted (no printf): the JSON renderer calls this for every PEL. */
char *pel_time_iso(const struct pel_time *t, char *out, size_t n)
{
	char *p = out;

	if (!t->valid || n < 24) {
		if (n)
			out[0] = 0;
		return out;
	}
	p = two(p, t->year / 100u);
	p = two(p, t->year % 100u);
	*p++ = '-';
	p = two(p, t->month);
	*p++ = '-';
	p = two(p, t->day);
	*p++ = 'T';
	p = two(p, t->hour);
	*p++ = ':';
	p = two(p, t->minute);
	*p++ = ':';
	p = two(p, t->second);
	*p++ = '.';
	p = two(p, t->hundredths);
	*p++ = 'Z';
	*p = 0;
	return out;
}

static const char *const warn_names[PEL_W_COUNT] = {
	[PEL_W_NONE] = "none",
	[PEL_W_COUNT_ZERO] = "count-zero",
	[PEL_W_TRUNCATED] = "truncated",
	[PEL_W_TRAILING] = "trailing-bytes",
	[PEL_W_ZERO_LENGTH] = "zero-length-section",
	[PEL_W_SECTION_TRUNCATED] = "section-truncated",
	[PEL_W_SECTION_SHORT] = "section-short",
	[PEL_W_UNKNOWN_SECTION] = "unknown-section",
	[PEL_W_MISSING_UH] = "uh-missing",
	[PEL_W_UH_NOT_SECOND] = "uh-not-second",
	[PEL_W_DUPLICATE] = "duplicate-section",
	[PEL_W_PS_NOT_THIRD] = "ps-not-third",
	[PEL_W_PS_MISSING] = "ps-missing",
	[PEL_W_EH_MISSING] = "eh-missing",
	[PEL_W_PH_VERSION] = "ph-version",
	[PEL_W_PH_LENGTH] = "ph-length",
	[PEL_W_UH_LENGTH] = "uh-length",
	[PEL_W_BAD_TIME] = "bad-time",
	[PEL_W_OVERSIZE] = "oversize",
	[PEL_W_SRC_VERSION] = "src-version",
	[PEL_W_SRC_WORD_COUNT] = "src-word-count",
	[PEL_W_SRC_SIZE] = "src-size",
	[PEL_W_CALLOUTS_BAD] = "callouts-corrupt",
	[PEL_W_CALLOUT_BAD] = "callout-corrupt",
	[PEL_W_TOO_MANY_CALLOUTS] = "too-many-callouts",
	[PEL_W_MRU_CAPPED] = "mru-capped",
	[PEL_W_TOO_MANY_SECTIONS] = "too-many-sections",
	[PEL_W_LOC_LEN] = "location-length",
};

const char *pel_warn_name(enum pel_warn_code c)
{
	return (unsigned)c < PEL_W_COUNT && warn_names[c] ? warn_names[c] : "unknown";
}

bool pel_has_warning(const struct pel *p, enum pel_warn_code code)
{
	for (unsigned i = 0; i < p->n_warn; i++)
		if (p->warn[i].code == code)
			return true;
	return false;
}

void pel_warn_format(const struct pel *p, const struct pel_warning *w, char *out, size_t n)
{
	char sid[3] = "--";
	uint32_t v = w->value;
	static const char *const which[3] = { "creation", "commit", "EH reference" };

	if (w->section < p->n_sec)
		pel_sid_str(p->sec[w->section].id, sid);
	switch ((enum pel_warn_code)w->code) {
	case PEL_W_COUNT_ZERO:
		snprintf(out, n, "section count is 0; treated as 1 (PH only)");
		break;
	case PEL_W_TRUNCATED:
		snprintf(out, n, "truncated: data ends at offset %u after %u of %u sections",
			 w->offset, v, p->ph.section_count ? p->ph.section_count : 1);
		break;
	case PEL_W_TRAILING:
		snprintf(out, n,
			 "%u bytes follow the %u counted sections and start like another "
			 "section; not decoded (section count too low?)",
			 v, p->n_sec);
		break;
	case PEL_W_ZERO_LENGTH:
		snprintf(out, n, "corrupt: section %u has length %u (< 8); chain walk stopped",
			 w->section + 1u, v);
		break;
	case PEL_W_SECTION_TRUNCATED:
		snprintf(out, n, "section %s claims %u bytes but the data ends after %u", sid, v,
			 w->section < p->n_sec ? p->sec[w->section].avail : 0);
		break;
	case PEL_W_SECTION_SHORT:
		snprintf(out, n, "section %s has %u bytes, too short for its layout; kept opaque",
			 sid, v);
		break;
	case PEL_W_UNKNOWN_SECTION:
		snprintf(out, n, "unknown section id %s (0x%04X) kept as opaque bytes", sid, v);
		break;
	case PEL_W_MISSING_UH:
		snprintf(out, n, "User Header (UH) missing");
		break;
	case PEL_W_UH_NOT_SECOND:
		snprintf(out, n, "User Header is section %u, expected 2", v);
		break;
	case PEL_W_DUPLICATE:
		snprintf(out, n, "duplicate %s section ignored (at most one allowed)", sid);
		break;
	case PEL_W_PS_NOT_THIRD:
		snprintf(out, n, "Primary SRC is section %u, expected 3", v);
		break;
	case PEL_W_PS_MISSING:
		snprintf(out, n, "PS missing on error log (severity 0x%02X)", v);
		break;
	case PEL_W_EH_MISSING:
		snprintf(out, n, "Extended User Header (EH) missing");
		break;
	case PEL_W_PH_VERSION:
		snprintf(out, n, "Private Header version %u, expected 1", v);
		break;
	case PEL_W_PH_LENGTH:
		snprintf(out, n, "Private Header length %u, expected 48", v);
		break;
	case PEL_W_UH_LENGTH:
		snprintf(out, n, "User Header length %u, expected 24", v);
		break;
	case PEL_W_BAD_TIME:
		snprintf(out, n, "invalid BCD %s time; raw bytes kept, time marked invalid",
			 v < 3 ? which[v] : "?");
		break;
	case PEL_W_OVERSIZE:
		snprintf(out, n, "%u bytes, larger than the %d-byte PEL maximum", v, PEL_MAX_SIZE);
		break;
	case PEL_W_SRC_VERSION:
		snprintf(out, n, "SRC version 0x%02X in %s, expected 0x02", v, sid);
		break;
	case PEL_W_SRC_WORD_COUNT:
		snprintf(out, n, "SRC valid-word count %u in %s (expected 8 or 9); ignored", v,
			 sid);
		break;
	case PEL_W_SRC_SIZE:
		snprintf(out, n, "SRC size field %u in %s does not match the section length", v,
			 sid);
		break;
	case PEL_W_CALLOUTS_BAD:
		snprintf(out, n, "callouts subsection of %s corrupt (value 0x%X); callouts cut",
			 sid, v);
		break;
	case PEL_W_CALLOUT_BAD:
		snprintf(out, n, "callout in %s corrupt (value 0x%X); rest of it ignored", sid, v);
		break;
	case PEL_W_TOO_MANY_CALLOUTS:
		snprintf(out, n, "more than %u callouts in %s; the rest counted, not decoded", v,
			 sid);
		break;
	case PEL_W_MRU_CAPPED:
		snprintf(out, n,
			 "MRU list in %s: room for %u entries, flags say %u; decoded at most "
			 "min(both, 15)",
			 sid, v >> 8, v & 0xFF);
		break;
	case PEL_W_TOO_MANY_SECTIONS:
		snprintf(out, n, "more than %u sections of type %s; this one not decoded", v, sid);
		break;
	case PEL_W_LOC_LEN:
		snprintf(out, n,
			 "callout location-code length %u in %s not a multiple of 4 or > 80", v,
			 sid);
		break;
	default:
		snprintf(out, n, "warning %u", w->code);
		break;
	}
}
