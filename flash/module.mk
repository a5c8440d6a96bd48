# flash/: FFS/PNOR partition tables, 8+1 ECC, GUARD records, flash backends (file,
# MTD), the write planner and the OPAL firmware-update workflow. Built as libflash.a.
