/*
 * sel.c - IPMI SEL record decoder and its event mapping (see sel.h).
 *
 * Invariants: every read of the record is bounded by its length (16 bytes checked up
 * front); every table lookup checks the table's size; texts come from the IPMI 2.0
 * specification, tables 42-2 (generic event/reading types) and 42-3 (sensor types and
 * sensor-specific offsets). Each offset carries the severity it maps to; threshold and
 * severity-type events are graded by their offset.
 */
#include "errlog/sel.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errlog/pel_event.h"

#define I RAS_SEV_INFO
#define W RAS_SEV_WARNING
#define E RAS_SEV_ERROR
#define C RAS_SEV_CRITICAL

struct sel_offset {
	const char *text;
	enum ras_severity sev;
};

struct sel_table {
	uint8_t code;
	const char *name;
	const struct sel_offset *off;
	uint8_t n_off;
};

#define TAB(code, name, arr)                                             \
	{                                                                \
		code, name, arr, (uint8_t)(sizeof(arr) / sizeof(arr[0])) \
	}
#define NAME_ONLY(code, name)       \
	{                           \
		code, name, NULL, 0 \
	}

/* ---- Table 42-2: generic event/reading types ------------------------------------ */
static const struct sel_offset gen_threshold[] = {
	{ "Lower Non-critical going low", W },	  { "Lower Non-critical going high", W },
	{ "Lower Critical going low", E },	  { "Lower Critical going high", E },
	{ "Lower Non-recoverable going low", C }, { "Lower Non-recoverable going high", C },
	{ "Upper Non-critical going low", W },	  { "Upper Non-critical going high", W },
	{ "Upper Critical going low", E },	  { "Upper Critical going high", E },
	{ "Upper Non-recoverable going low", C }, { "Upper Non-recoverable going high", C },
};
static const struct sel_offset gen_dmi[] = {
	{ "Transition to Idle", I },
	{ "Transition to Active", I },
	{ "Transition to Busy", I },
};
static const struct sel_offset gen_state[] = {
	{ "State Deasserted", I },
	{ "State Asserted", I },
};
static const struct sel_offset gen_predictive[] = {
	{ "Predictive Failure deasserted", I },
	{ "Predictive Failure asserted", W },
};
static const struct sel_offset gen_limit[] = {
	{ "Limit Not Exceeded", I },
	{ "Limit Exceeded", W },
};
static const struct sel_offset gen_perf[] = {
	{ "Performance Met", I },
	{ "Performance Lags", W },
};
static const struct sel_offset gen_severity[] = {
	{ "Transition to OK", I },
	{ "Transition to Non-Critical from OK", W },
	{ "Transition to Critical from less severe", E },
	{ "Transition to Non-recoverable from less severe", C },
	{ "Transition to Non-Critical from more severe", W },
	{ "Transition to Critical from Non-recoverable", E },
	{ "Transition to Non-recoverable", C },
	{ "Monitor", I },
	{ "Informational", I },
};
static const struct sel_offset gen_presence[] = {
	{ "Device Removed/Device Absent", W },
	{ "Device Inserted/Device Present", I },
};
static const struct sel_offset gen_enable[] = {
	{ "Device Disabled", W },
	{ "Device Enabled", I },
};
static const struct sel_offset gen_avail[] = {
	{ "Transition to Running", I },	  { "Transition to In Test", I },
	{ "Transition to Power Off", I }, { "Transition to On Line", I },
	{ "Transition to Off Line", W },  { "Transition to Off Duty", W },
	{ "Transition to Degraded", W },  { "Transition to Power Save", I },
	{ "Install Error", E },
};
static const struct sel_offset gen_redund[] = {
	{ "Fully Redundant", I },
	{ "Redundancy Lost", E },
	{ "Redundancy Degraded", W },
	{ "Non-redundant: Sufficient Resources from Redundant", W },
	{ "Non-redundant: Sufficient Resources from Insufficient Resources", W },
	{ "Non-redundant: Insufficient Resources", E },
	{ "Redundancy Degraded from Fully Redundant", W },
	{ "Redundancy Degraded from Non-redundant", W },
};
static const struct sel_offset gen_acpi[] = {
	{ "D0 Power State", I },
	{ "D1 Power State", I },
	{ "D2 Power State", I },
	{ "D3 Power State", I },
};

static const struct sel_table event_types[] = {
	TAB(0x01, "Threshold", gen_threshold),	TAB(0x02, "DMI-based usage state", gen_dmi),
	TAB(0x03, "Digital state", gen_state),	TAB(0x04, "Predictive failure", gen_predictive),
	TAB(0x05, "Limit", gen_limit),		TAB(0x06, "Performance", gen_perf),
	TAB(0x07, "Severity", gen_severity),	TAB(0x08, "Device presence", gen_presence),
	TAB(0x09, "Device enable", gen_enable), TAB(0x0a, "Availability state", gen_avail),
	TAB(0x0b, "Redundancy", gen_redund),	TAB(0x0c, "ACPI device power state", gen_acpi),
	NAME_ONLY(0x6f, "Sensor-specific"),
};

/* ---- Table 42-3: sensor types and sensor-specific offsets ------------------------ */
static const struct sel_offset ss_phys_sec[] = {
	{ "General Chassis Intrusion", W },
	{ "Drive Bay intrusion", W },
	{ "I/O Card area intrusion", W },
	{ "Processor area intrusion", W },
	{ "LAN Leash Lost", W },
	{ "Unauthorized dock/undock", W },
	{ "FAN area intrusion", W },
};
static const struct sel_offset ss_plat_sec[] = {
	{ "Secure Mode Violation attempt", W },
	{ "Pre-boot Password Violation - user password", W },
	{ "Pre-boot Password Violation - setup password", W },
	{ "Pre-boot Password Violation - network boot password", W },
	{ "Other pre-boot Password Violation", W },
	{ "Out-of-band Access Password Violation", W },
};
static const struct sel_offset ss_proc[] = {
	{ "IERR", C },
	{ "Thermal Trip", C },
	{ "FRB1/BIST failure", E },
	{ "FRB2/Hang in POST failure", E },
	{ "FRB3/Processor Startup/Initialization failure", E },
	{ "Configuration Error", E },
	{ "SM BIOS Uncorrectable CPU-complex Error", C },
	{ "Processor Presence detected", I },
	{ "Processor disabled", E },
	{ "Terminator Presence Detected", I },
	{ "Processor Automatically Throttled", W },
	{ "Machine Check Exception (Uncorrectable)", C },
	{ "Correctable Machine Check Error", W },
};
static const struct sel_offset ss_psu[] = {
	{ "Presence detected", I },
	{ "Power Supply Failure detected", E },
	{ "Predictive Failure", W },
	{ "Power Supply input lost (AC/DC)", E },
	{ "Power Supply input lost or out-of-range", E },
	{ "Power Supply input out-of-range, but present", W },
	{ "Configuration error", E },
	{ "Power Supply Inactive (in standby state)", I },
};
static const struct sel_offset ss_power_unit[] = {
	{ "Power Off / Power Down", I },
	{ "Power Cycle", I },
	{ "240VA Power Down", E },
	{ "Interlock Power Down", W },
	{ "AC lost / Power input lost", E },
	{ "Soft Power Control Failure", E },
	{ "Power Unit Failure detected", E },
	{ "Predictive Failure", W },
};
static const struct sel_offset ss_memory[] = {
	{ "Correctable ECC", W },
	{ "Uncorrectable ECC", C },
	{ "Parity", E },
	{ "Memory Scrub Failed", E },
	{ "Memory Device Disabled", E },
	{ "Correctable ECC logging limit reached", W },
	{ "Presence detected", I },
	{ "Configuration error", E },
	{ "Spare", I },
	{ "Memory Automatically Throttled", W },
	{ "Critical Overtemperature", C },
};
static const struct sel_offset ss_drive[] = {
	{ "Drive Presence", I },
	{ "Drive Fault", E },
	{ "Predictive Failure", W },
	{ "Hot Spare", I },
	{ "Consistency Check In Progress", I },
	{ "In Critical Array", E },
	{ "In Failed Array", C },
	{ "Rebuild/Remap in progress", W },
	{ "Rebuild/Remap Aborted", E },
};
static const struct sel_offset ss_fw_progress[] = {
	{ "System Firmware Error", E },
	{ "System Firmware Hang", E },
	{ "System Firmware Progress", I },
};
static const struct sel_offset ss_log_disabled[] = {
	{ "Correctable Memory Error Logging Disabled", W },
	{ "Event Type Logging Disabled", W },
	{ "Log Area Reset/Cleared", I },
	{ "All Event Logging Disabled", E },
	{ "SEL Full", E },
	{ "SEL Almost Full", W },
	{ "Correctable Machine Check Error Logging Disabled", W },
};
static const struct sel_offset ss_watchdog1[] = {
	{ "BIOS Watchdog Reset", E },
	{ "OS Watchdog Reset", E },
	{ "OS Watchdog Shut Down", E },
	{ "OS Watchdog Power Down", E },
	{ "OS Watchdog Power Cycle", E },
	{ "OS Watchdog NMI/Diagnostic Interrupt", E },
	{ "OS Watchdog Expired, status only", W },
	{ "OS Watchdog pre-timeout Interrupt, non-NMI", W },
};
static const struct sel_offset ss_system_event[] = {
	{ "System Reconfigured", I },
	{ "OEM System Boot Event", I },
	{ "Undetermined system hardware failure", E },
	{ "Entry added to Auxiliary Log", I },
	{ "PEF Action", I },
	{ "Timestamp Clock Synch", I },
};
static const struct sel_offset ss_crit_int[] = {
	{ "Front Panel NMI / Diagnostic Interrupt", E },
	{ "Bus Timeout", E },
	{ "I/O channel check NMI", E },
	{ "Software NMI", W },
	{ "PCI PERR", E },
	{ "PCI SERR", E },
	{ "EISA Fail Safe Timeout", E },
	{ "Bus Correctable Error", W },
	{ "Bus Uncorrectable Error", E },
	{ "Fatal NMI", C },
	{ "Bus Fatal Error", C },
	{ "Bus Degraded", W },
};
static const struct sel_offset ss_button[] = {
	{ "Power Button pressed", I },	     { "Sleep Button pressed", I },
	{ "Reset Button pressed", I },	     { "FRU latch open", W },
	{ "FRU service request button", W },
};
static const struct sel_offset ss_chipset[] = {
	{ "Soft Power Control Failure", E },
	{ "Thermal Trip", C },
};
static const struct sel_offset ss_cable[] = {
	{ "Cable/Interconnect is connected", I },
	{ "Configuration Error - Incorrect cable connected / Incorrect interconnection", E },
};
static const struct sel_offset ss_boot_init[] = {
	{ "Initiated by power up", I },
	{ "Initiated by hard reset", I },
	{ "Initiated by warm reset", I },
	{ "User requested PXE boot", I },
	{ "Automatic boot to diagnostic", I },
	{ "OS / run-time software initiated hard reset", W },
	{ "OS / run-time software initiated warm reset", W },
	{ "System Restart", I },
};
static const struct sel_offset ss_boot_err[] = {
	{ "No bootable media", E },
	{ "Non-bootable diskette left in drive", W },
	{ "PXE Server not found", E },
	{ "Invalid boot sector", E },
	{ "Timeout waiting for user selection of boot source", W },
};
static const struct sel_offset ss_os_boot[] = {
	{ "A: boot completed", I },
	{ "C: boot completed", I },
	{ "PXE boot completed", I },
	{ "Diagnostic boot completed", I },
	{ "CD-ROM boot completed", I },
	{ "ROM boot completed", I },
	{ "boot completed - boot device not specified", I },
	{ "Base OS/Hypervisor Installation started", I },
	{ "Base OS/Hypervisor Installation completed", I },
	{ "Base OS/Hypervisor Installation aborted", W },
	{ "Base OS/Hypervisor Installation failed", E },
};
static const struct sel_offset ss_os_stop[] = {
	{ "Critical stop during OS load / initialization", C },
	{ "Run-time Critical Stop", C },
	{ "OS Graceful Stop", I },
	{ "OS Graceful Shutdown", I },
	{ "Soft Shutdown initiated by PEF", W },
	{ "Agent Not Responding", E },
};
static const struct sel_offset ss_slot[] = {
	{ "Fault Status asserted", E },
	{ "Identify Status asserted", I },
	{ "Slot / Connector Device installed/attached", I },
	{ "Slot / Connector Ready for Device Installation", I },
	{ "Slot / Connector Ready for Device Removal", I },
	{ "Slot Power is Off", I },
	{ "Slot / Connector Device Removal Request", I },
	{ "Interlock asserted", I },
	{ "Slot is Disabled", W },
	{ "Slot holds spare device", I },
};
static const struct sel_offset ss_acpi_state[] = {
	{ "S0/G0 working", I },
	{ "S1 sleeping with system h/w & processor context maintained", I },
	{ "S2 sleeping, processor context lost", I },
	{ "S3 sleeping, processor & h/w context lost, memory retained", I },
	{ "S4 non-volatile sleep/suspend-to-disk", I },
	{ "S5/G2 soft-off", I },
	{ "S4/S5 soft-off, particular S4/S5 state cannot be determined", I },
	{ "G3/Mechanical Off", I },
	{ "Sleeping in an S1, S2, or S3 states", I },
	{ "G1 sleeping", I },
	{ "S5 entered by override", W },
	{ "Legacy ON state", I },
	{ "Legacy OFF state", I },
	{ "Unknown", I },
};
static const struct sel_offset ss_watchdog2[] = {
	{ "Timer expired, status only", W },
	{ "Hard Reset", E },
	{ "Power Down", E },
	{ "Power Cycle", E },
	{ "reserved", I },
	{ "reserved", I },
	{ "reserved", I },
	{ "reserved", I },
	{ "Timer interrupt", W },
};
static const struct sel_offset ss_plat_alert[] = {
	{ "platform generated page", I },
	{ "platform generated LAN alert", I },
	{ "Platform Event Trap generated", I },
	{ "platform generated SNMP trap", I },
};
static const struct sel_offset ss_entity[] = {
	{ "Entity Present", I },
	{ "Entity Absent", W },
	{ "Entity Disabled", W },
};
static const struct sel_offset ss_lan[] = {
	{ "LAN Heartbeat Lost", W },
	{ "LAN Heartbeat", I },
};
static const struct sel_offset ss_mgmt_health[] = {
	{ "Sensor access degraded or unavailable", W },
	{ "Controller access degraded or unavailable", W },
	{ "Management controller off-line", E },
	{ "Management controller unavailable", E },
	{ "Sensor failure", E },
	{ "FRU failure", E },
};
static const struct sel_offset ss_battery[] = {
	{ "Battery low (predictive failure)", W },
	{ "Battery failed", E },
	{ "Battery presence detected", I },
};
static const struct sel_offset ss_session[] = {
	{ "Session Activated", I },
	{ "Session Deactivated", I },
	{ "Invalid Username or Password", W },
	{ "Invalid password disable", W },
};
static const struct sel_offset ss_version[] = {
	{ "Hardware change detected with associated Entity", I },
	{ "Firmware or software change detected with associated Entity", I },
	{ "Hardware incompatibility detected with associated Entity", E },
	{ "Firmware or software incompatibility detected with associated Entity", E },
	{ "Entity is of an invalid or unsupported hardware version", E },
	{ "Entity contains an invalid or unsupported firmware or software version", E },
	{ "Hardware Change detected with associated Entity was successful", I },
	{ "Software or F/W Change detected with associated Entity was successful", I },
};
static const struct sel_offset ss_fru_state[] = {
	{ "FRU Not Installed", I },
	{ "FRU Inactive", I },
	{ "FRU Activation Requested", I },
	{ "FRU Activation In Progress", I },
	{ "FRU Active", I },
	{ "FRU Deactivation Requested", I },
	{ "FRU Deactivation In Progress", I },
	{ "FRU Communication Lost", E },
};

static const struct sel_table sensor_types[] = {
	NAME_ONLY(0x01, "Temperature"),
	NAME_ONLY(0x02, "Voltage"),
	NAME_ONLY(0x03, "Current"),
	NAME_ONLY(0x04, "Fan"),
	TAB(0x05, "Physical Security", ss_phys_sec),
	TAB(0x06, "Platform Security", ss_plat_sec),
	TAB(0x07, "Processor", ss_proc),
	TAB(0x08, "Power Supply", ss_psu),
	TAB(0x09, "Power Unit", ss_power_unit),
	NAME_ONLY(0x0a, "Cooling Device"),
	NAME_ONLY(0x0b, "Other Units-based Sensor"),
	TAB(0x0c, "Memory", ss_memory),
	TAB(0x0d, "Drive Slot (Bay)", ss_drive),
	NAME_ONLY(0x0e, "POST Memory Resize"),
	TAB(0x0f, "System Firmware Progress", ss_fw_progress),
	TAB(0x10, "Event Logging Disabled", ss_log_disabled),
	TAB(0x11, "Watchdog 1", ss_watchdog1),
	TAB(0x12, "System Event", ss_system_event),
	TAB(0x13, "Critical Interrupt", ss_crit_int),
	TAB(0x14, "Button / Switch", ss_button),
	NAME_ONLY(0x15, "Module / Board"),
	NAME_ONLY(0x16, "Microcontroller / Coprocessor"),
	NAME_ONLY(0x17, "Add-in Card"),
	NAME_ONLY(0x18, "Chassis"),
	TAB(0x19, "Chip Set", ss_chipset),
	NAME_ONLY(0x1a, "Other FRU"),
	TAB(0x1b, "Cable / Interconnect", ss_cable),
	NAME_ONLY(0x1c, "Terminator"),
	TAB(0x1d, "System Boot / Restart Initiated", ss_boot_init),
	TAB(0x1e, "Boot Error", ss_boot_err),
	TAB(0x1f, "Base OS Boot / Installation Status", ss_os_boot),
	TAB(0x20, "OS Stop / Shutdown", ss_os_stop),
	TAB(0x21, "Slot / Connector", ss_slot),
	TAB(0x22, "System ACPI Power State", ss_acpi_state),
	TAB(0x23, "Watchdog 2", ss_watchdog2),
	TAB(0x24, "Platform Alert", ss_plat_alert),
	TAB(0x25, "Entity Presence", ss_entity),
	NAME_ONLY(0x26, "Monitor ASIC / IC"),
	TAB(0x27, "LAN", ss_lan),
	TAB(0x28, "Management Subsystem Health", ss_mgmt_health),
	TAB(0x29, "Battery", ss_battery),
	TAB(0x2a, "Session Audit", ss_session),
	TAB(0x2b, "Version Change", ss_version),
	TAB(0x2c, "FRU State", ss_fru_state),
};

#undef I
#undef W
#undef E
#undef C

static const struct sel_table *table_find(const struct sel_table *t, size_t n, uint8_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return &t[i];
	return NULL;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *sel_sensor_type_name(uint8_t sensor_type)
{
	const struct sel_table *t = table_find(sensor_types, N_OF(sensor_types), sensor_type);
	return t ? t->name : NULL;
}

const char *sel_event_type_name(uint8_t event_type)
{
	const struct sel_table *t = table_find(event_types, N_OF(event_types), event_type);
	return t ? t->name : NULL;
}

const char *sel_offset_text(uint8_t event_type, uint8_t sensor_type, uint8_t offset,
			    enum ras_severity *sev)
{
	const struct sel_table *t;

	if (event_type == 0x6f)
		t = table_find(sensor_types, N_OF(sensor_types), sensor_type);
	else
		t = table_find(event_types, N_OF(event_types), event_type);
	if (!t || offset >= t->n_off)
		return NULL;
	if (sev)
		*sev = t->off[offset].sev;
	return t->off[offset].text;
}

bool sel_is_esel(const uint8_t *buf, size_t len)
{
	return len >= SEL_RECORD_LEN && buf[2] == SEL_TYPE_ESEL && buf[13] == SEL_ESEL_SIGNATURE;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

int sel_record_parse(const uint8_t *buf, size_t len, struct sel_record *r, struct ras_err *e)
{
	memset(r, 0, sizeof(*r));
	if (!buf || len < SEL_RECORD_LEN)
		return ras_errf(e, -EINVAL, "SEL record: %zu bytes at offset 0, expected 16",
				buf ? len : 0);
	r->id = le16(buf);
	r->type = buf[2];
	if (r->type == SEL_TYPE_SYSTEM)
		r->cls = SEL_CLASS_SYSTEM;
	else if (r->type >= 0xe0)
		r->cls = SEL_CLASS_OEM_NOTS;
	else if (r->type >= 0xc0)
		r->cls = sel_is_esel(buf, len) ? SEL_CLASS_ESEL : SEL_CLASS_OEM_TS;
	else
		r->cls = SEL_CLASS_UNKNOWN;

	if (r->cls == SEL_CLASS_OEM_NOTS) {
		r->oem = buf + 3;
		r->oem_len = 13;
		return 0;
	}
	/* Types below 0xE0 (and unknown ones, by the spec's convention) carry a timestamp. */
	r->has_ts = true;
	r->timestamp = (uint32_t)buf[3] | (uint32_t)buf[4] << 8 | (uint32_t)buf[5] << 16 |
		       (uint32_t)buf[6] << 24;
	if (r->cls == SEL_CLASS_OEM_TS || r->cls == SEL_CLASS_UNKNOWN) {
		r->manufacturer = (uint32_t)buf[7] | (uint32_t)buf[8] << 8 | (uint32_t)buf[9] << 16;
		r->oem = buf + 10;
		r->oem_len = 6;
		return 0;
	}
	r->generator = le16(buf + 7);
	r->evm_rev = buf[9];
	r->sensor_type = buf[10];
	r->sensor_num = buf[11];
	r->deassert = (buf[12] & 0x80) != 0;
	r->event_type = buf[12] & 0x7f;
	memcpy(r->data, buf + 13, 3);
	r->offset = r->data[0] & 0x0f;
	if (r->cls == SEL_CLASS_ESEL) {
		r->oem = buf + 13;
		r->oem_len = 3;
	}
	return 0;
}

enum ras_severity sel_record_severity(const struct sel_record *r)
{
	enum ras_severity sev = RAS_SEV_INFO;

	switch (r->cls) {
	case SEL_CLASS_SYSTEM:
		if (r->deassert)
			return RAS_SEV_INFO;
		if (!sel_offset_text(r->event_type, r->sensor_type, r->offset, &sev))
			return r->event_type >= 0x70 ? RAS_SEV_WARNING : RAS_SEV_INFO;
		return sev;
	case SEL_CLASS_ESEL:
		return RAS_SEV_ERROR; /* skiboot sends eSELs only for severity >= 0x22 */
	case SEL_CLASS_OEM_TS:
	case SEL_CLASS_OEM_NOTS:
	case SEL_CLASS_UNKNOWN:
		break;
	}
	return RAS_SEV_INFO;
}

void sel_guid_text(const uint8_t guid[16], char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[guid[i] >> 4];
		out[2 * i + 1] = hex[guid[i] & 15];
	}
	out[32] = 0;
}

bool sel_event_add_attr(struct sel_event *out, const char *name, const char *value)
{
	size_t i = out->ev.n_attrs;
	if (i >= SEL_EVENT_MAX_ATTRS)
		return false;
	snprintf(out->attr_val[i], sizeof(out->attr_val[i]), "%s", value);
	out->attrs[i].name = name;
	out->attrs[i].value = out->attr_val[i];
	out->ev.n_attrs++;
	return true;
}

__attribute__((format(printf, 3, 4))) static void add_attrf(struct sel_event *out, const char *name,
							    const char *fmt, ...)
{
	va_list ap;
	char b[32];
	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	sel_event_add_attr(out, name, b);
}

static void hex_bytes(const uint8_t *p, size_t n, char *out, size_t outsz)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 3 < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%02x", p[i]);
	if (o < outsz)
		out[o] = 0;
}

int sel_companion_esel_id(const struct sel_record *r)
{
	/* skiboot's companion SEL: a system event (0x12) whose data 1 says bytes 2 and 3
	 * hold OEM codes (bits 7:6 = 10b, 5:4 = 10b); they carry the eSEL record id. */
	if (r->cls != SEL_CLASS_SYSTEM || r->sensor_type != 0x12)
		return -1;
	if ((r->data[0] & 0xf0) != 0xa0)
		return -1;
	return r->data[1] | (r->data[2] << 8);
}

/* Timestamps at or below 0x20000000 are relative to BMC initialisation (IPMI 2.0
 * section 37): no wall-clock time. */
#define SEL_TS_INIT_MAX 0x20000000u

void sel_event_fill(struct sel_event *out, const struct sel_record *r,
		    const uint8_t raw[SEL_RECORD_LEN], const char *bmc_guid)
{
	const char *stn, *etn, *otext = NULL;
	enum ras_severity osev = RAS_SEV_INFO;
	char hex[40];

	memset(out, 0, sizeof(*out));
	memcpy(out->raw, raw, SEL_RECORD_LEN);
	if (!bmc_guid || !*bmc_guid)
		bmc_guid = "unknown";
	if (r->has_ts)
		snprintf(out->dedupe, sizeof(out->dedupe), "sel:%s:%u:%" PRIu32, bmc_guid,
			 (unsigned)r->id, r->timestamp);
	else
		snprintf(out->dedupe, sizeof(out->dedupe), "sel:%s:%u:nots-%016" PRIx64, bmc_guid,
			 (unsigned)r->id, pel_fnv1a64(raw, SEL_RECORD_LEN));
	out->ev.source = "ipmi";
	out->ev.kind = RAS_KIND_SEL;
	out->ev.dedupe_key = out->dedupe;
	out->ev.time_us =
		r->has_ts && r->timestamp > SEL_TS_INIT_MAX ? (int64_t)r->timestamp * 1000000 : 0;
	out->ev.severity = sel_record_severity(r);
	out->ev.source_severity = -1;
	out->ev.refcode = out->refcode;
	out->ev.summary = out->summary;
	out->ev.subsystem = out->subsystem;
	out->ev.raw = out->raw;
	out->ev.raw_len = SEL_RECORD_LEN;
	out->ev.attrs = out->attrs;

	add_attrf(out, "sel_record_id", "0x%04x", (unsigned)r->id);
	add_attrf(out, "sel_type", "0x%02x", (unsigned)r->type);
	sel_event_add_attr(out, "bmc_guid", bmc_guid);
	if (r->has_ts)
		add_attrf(out, "sel_timestamp", "%u", r->timestamp);

	switch (r->cls) {
	case SEL_CLASS_SYSTEM:
	case SEL_CLASS_ESEL:
		stn = sel_sensor_type_name((unsigned)r->sensor_type);
		etn = sel_event_type_name((unsigned)r->event_type);
		if (r->event_type <= 0x0c || r->event_type == 0x6f)
			otext = sel_offset_text(r->event_type, r->sensor_type, r->offset, &osev);
		snprintf(out->subsystem, sizeof(out->subsystem), "%s",
			 stn ? stn : "OEM sensor type");
		snprintf(out->refcode, sizeof(out->refcode), "%02x:%02x:%02x", r->sensor_type,
			 r->event_type, r->offset);
		snprintf(out->location, sizeof(out->location), "sensor 0x%02x",
			 (unsigned)r->sensor_num);
		out->ev.location = out->location;
		add_attrf(out, "generator", "0x%04x", (unsigned)r->generator);
		add_attrf(out, "sensor_type", "0x%02x", (unsigned)r->sensor_type);
		add_attrf(out, "sensor_number", "0x%02x", (unsigned)r->sensor_num);
		add_attrf(out, "event_type", "0x%02x", (unsigned)r->event_type);
		sel_event_add_attr(out, "direction", r->deassert ? "deassertion" : "assertion");
		hex_bytes(r->data, 3, hex, sizeof(hex));
		sel_event_add_attr(out, "event_data", hex);
		if (etn)
			sel_event_add_attr(out, "event_type_name", etn);
		if (r->cls == SEL_CLASS_ESEL) {
			snprintf(out->summary, sizeof(out->summary),
				 "eSEL (OpenPOWER extended SEL, PEL follows) record 0x%04x", r->id);
			sel_event_add_attr(out, "esel", "yes");
		} else if (otext) {
			snprintf(out->summary, sizeof(out->summary), "%s #0x%02x: %s %s",
				 stn ? stn : "Sensor", r->sensor_num, otext,
				 r->deassert ? "Deasserted" : "Asserted");
		} else {
			snprintf(out->summary, sizeof(out->summary),
				 "%s #0x%02x: event type 0x%02x offset 0x%02x %s",
				 stn ? stn : "OEM sensor", r->sensor_num, r->event_type, r->offset,
				 r->deassert ? "Deasserted" : "Asserted");
		}
		if (r->cls == SEL_CLASS_SYSTEM) {
			int eid = sel_companion_esel_id(r);
			if (eid >= 0)
				add_attrf(out, "esel_record_id", "0x%04x", (unsigned)eid);
		}
		break;
	case SEL_CLASS_OEM_TS:
	case SEL_CLASS_UNKNOWN:
		snprintf(out->subsystem, sizeof(out->subsystem), "OEM");
		snprintf(out->refcode, sizeof(out->refcode), "oem-%02x", r->type);
		add_attrf(out, "manufacturer_id", "0x%06x", r->manufacturer);
		hex_bytes(r->oem, r->oem_len, hex, sizeof(hex));
		sel_event_add_attr(out, "oem_data", hex);
		snprintf(out->summary, sizeof(out->summary),
			 "OEM timestamped record type 0x%02x, manufacturer 0x%06x, data %s",
			 r->type, r->manufacturer, hex);
		break;
	case SEL_CLASS_OEM_NOTS:
		snprintf(out->subsystem, sizeof(out->subsystem), "OEM");
		snprintf(out->refcode, sizeof(out->refcode), "oem-%02x", r->type);
		hex_bytes(r->oem, r->oem_len, hex, sizeof(hex));
		sel_event_add_attr(out, "oem_data", hex);
		snprintf(out->summary, sizeof(out->summary),
			 "OEM non-timestamped record type 0x%02x, data %s", r->type, hex);
		break;
	}
}

void sel_event_link_pel(struct sel_event *out, const char *pel_dedupe_key, uint32_t plid)
{
	char b[16];
	sel_event_add_attr(out, "pel_dedupe_key", pel_dedupe_key);
	snprintf(b, sizeof(b), "0x%08x", plid);
	sel_event_add_attr(out, "pel_plid", b);
}

int sel_esel_link(struct sel_event *out, const struct sel_record *r, const uint8_t *esel,
		  size_t len, struct pel *scratch, struct pel_event *pe, struct ras_err *e)
{
	int want = r->cls == SEL_CLASS_ESEL ? (int)r->id : sel_companion_esel_id(r);
	uint16_t hid;
	int rc;

	if (!sel_is_esel(esel, len))
		return ras_errf(e, -EINVAL,
				"eSEL: %zu bytes, expected a 16-byte header with "
				"type 0xDF at offset 2 and 0xAA at offset 13",
				len);
	hid = le16(esel);
	if (want <= 0 || hid == 0 || hid != (unsigned)want)
		return 0;
	rc = pel_event_from_bytes(pe, scratch, esel, len, "ipmi");
	if (rc)
		return ras_errf(e, rc,
				"eSEL record 0x%04x: the PEL after offset 16 does not decode", hid);
	sel_event_link_pel(out, pe->dedupe, scratch->ph.plid);
	return 1;
}
