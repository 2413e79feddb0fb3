#!/usr/bin/env bash
# Prophet's Peyton Manning example, R prophet and modcap side by side in one run (same machine state):
# R prophet's documented cross-validation first, then modcap on the same cutoffs; prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
TZ=UTC OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 Rscript bench/peers/prophet_peyton.R >/dev/null
node --import tsx bench/prophet-peyton.ts 2>/dev/null
