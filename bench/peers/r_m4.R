# Peer run: R forecast package defaults on the M4 hourly series (h = 48, 80/95 % intervals).
#
# Usage (from the repository root):
#   TZ=UTC OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
#     Rscript bench/peers/r_m4.R <model> [every=1] [cores=1] [offset=0]
#   model: ets | stlf | mstl | tbats | arima
#   every: run series i (1-based) with (i - 1 - offset) %% every == 0, i.e. H1, H(1+every), ... for offset 0
#   cores: parallel::mclapply cores (at most 2 on this machine)
#
# Writes bench/results/peers/r-<model>-m4.csv (id,h,point,lo80,hi80,lo95,hi95)
# and bench/results/peers/r-<model>-m4-times.csv (id,seconds,cpu_seconds,error); seconds = elapsed fit+forecast.
# Reads M4 from /work/shared/data/m4 (set M4_DIR to override); data is not copied into the repo.

suppressPackageStartupMessages(library(forecast))
library(parallel)

args <- commandArgs(trailingOnly = TRUE)
model <- if (length(args) >= 1) args[[1]] else stop("model argument required")
every <- if (length(args) >= 2) as.integer(args[[2]]) else 1L
cores <- if (length(args) >= 3) as.integer(args[[3]]) else 1L
offset <- if (length(args) >= 4) as.integer(args[[4]]) else 0L
m4_dir <- Sys.getenv("M4_DIR", "/work/shared/data/m4")
out_dir <- "bench/results/peers"
H <- 48L
LEVELS <- c(80, 95)

read_m4 <- function(path) {
  raw <- read.csv(path, header = TRUE, stringsAsFactors = FALSE, check.names = FALSE)
  ids <- raw[[1]]
  vals <- as.matrix(raw[, -1, drop = FALSE])
  out <- lapply(seq_along(ids), function(i) {
    v <- as.numeric(vals[i, ])
    v[!is.na(v)]
  })
  names(out) <- ids
  out
}

# One function per model: returns a forecast object with level = c(80, 95), h = 48.
# Calls are the package defaults; only h and level are set (tbats: use.parallel = FALSE to respect the
# shared 2-core machine; this only changes how the candidate models are scheduled, not the result).
fitters <- list(
  ets = function(y) forecast(ets(ts(y, frequency = 24)), h = H, level = LEVELS),
  stlf = function(y) stlf(ts(y, frequency = 24), h = H, level = LEVELS),
  mstl = function(y) forecast(mstl(msts(y, seasonal.periods = c(24, 168))), h = H, level = LEVELS),
  tbats = function(y) {
    forecast(tbats(msts(y, seasonal.periods = c(24, 168)), use.parallel = FALSE), h = H, level = LEVELS)
  },
  arima = function(y) forecast(auto.arima(ts(y, frequency = 24)), h = H, level = LEVELS)
)
if (!model %in% names(fitters)) stop("unknown model: ", model)
fit_fc <- fitters[[model]]

train <- read_m4(file.path(m4_dir, "Hourly-train.csv"))
idx <- which((seq_along(train) - 1L - offset) %% every == 0L)

run_one <- function(i) {
  id <- names(train)[[i]]
  y <- train[[i]]
  pt0 <- proc.time()
  t0 <- pt0[["elapsed"]]
  res <- tryCatch(fit_fc(y), error = function(e) e)
  pt1 <- proc.time()
  secs <- pt1[["elapsed"]] - t0
  if (i %% 25L == 0L) message(sprintf("[%s] series %d done", format(Sys.time(), "%H:%M:%S"), i))
  cpu <- (pt1[["user.self"]] + pt1[["sys.self"]]) - (pt0[["user.self"]] + pt0[["sys.self"]])
  if (inherits(res, "error")) {
    return(list(
      fc = NULL,
      time = data.frame(id = id, seconds = secs, cpu_seconds = cpu, error = gsub("[\r\n,\"]", " ", conditionMessage(res)))
    ))
  }
  lo <- as.matrix(res$lower)
  hi <- as.matrix(res$upper)
  fc <- data.frame(
    id = id, h = seq_len(H), point = as.numeric(res$mean),
    lo80 = as.numeric(lo[, 1]), hi80 = as.numeric(hi[, 1]), lo95 = as.numeric(lo[, 2]), hi95 = as.numeric(hi[, 2])
  )
  list(fc = fc, time = data.frame(id = id, seconds = secs, cpu_seconds = cpu, error = ""))
}

wall0 <- proc.time()[["elapsed"]]
results <- if (cores > 1L) mclapply(idx, run_one, mc.cores = cores, mc.preschedule = FALSE) else lapply(idx, run_one)
wall <- proc.time()[["elapsed"]] - wall0

fcs <- do.call(rbind, lapply(results, `[[`, "fc"))
times <- do.call(rbind, lapply(results, `[[`, "time"))
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
suffix <- Sys.getenv("OUT_SUFFIX", "")
write.csv(fcs, file.path(out_dir, sprintf("r-%s-m4%s.csv", model, suffix)), row.names = FALSE, quote = FALSE)
write.csv(times, file.path(out_dir, sprintf("r-%s-m4%s-times.csv", model, suffix)), row.names = FALSE)
cat(sprintf(
  "r %s: %d series (every=%d offset=%d cores=%d), failures=%d, sum of per-series seconds=%.1f (cpu %.1f), wall=%.1f s\n",
  model, length(idx), every, offset, cores, sum(times$error != ""), sum(times$seconds), sum(times$cpu_seconds), wall
))
