/*
 * faults.h - crash points for the fault-injection tests.
 *
 * Built in only with -DPBR_FAULTS (make faults -> build/faults/pbr-settle);
 * in the normal build every PBR_FAULT() is nothing.  PBR_CRASH_AT=NAME[:N]
 * stops the process with _exit(97) the Nth time (default 1st) point NAME is
 * passed; PBR_CRASH_MODE=abort uses abort() instead.  The points:
 *   rows          after each cohort row is processed (N = row number)
 *   xml-half      half of a statement's bytes written to its temporary file
 *   temp-written  all temporary files written and fsynced, before COMMIT
 *   before-commit right before COMMIT
 *   after-commit  COMMIT done, nothing renamed yet
 *   mid-rename    a statement renamed, its annex not yet
 */
#ifndef PBR_FAULTS_H
#define PBR_FAULTS_H

#ifdef PBR_FAULTS
void pbr_fault(const char *point);
#define PBR_FAULT(point) pbr_fault(point)
#else
#define PBR_FAULT(point) ((void)0)
#endif

#endif
