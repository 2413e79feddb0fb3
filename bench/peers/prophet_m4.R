# Peer run: R prophet with its defaults on the M4 hourly series, h = 48.
# M4 gives no start dates, so every series gets an hourly axis starting 2015-01-01 00:00 UTC.
# One fit per series (interval.width 0.8, the default); the 80 % interval comes from predict(),
# then interval.width is set to 0.95 on the fitted model and predict() is called again for the 95 %
# interval (same fit, new uncertainty simulation; the point forecast does not depend on it).
#
# Usage (from the repository root):
#   TZ=UTC OMP_NUM_THREADS=1 Rscript bench/peers/prophet_m4.R [every=1] [cores=1] [offset=0]
#
# Writes bench/results/peers/r-prophet-m4.csv (id,h,point,lo80,hi80,lo95,hi95)
# and bench/results/peers/r-prophet-m4-times.csv (id,seconds,cpu_seconds,error); seconds = elapsed fit + both predicts.

suppressPackageStartupMessages(library(prophet))
library(parallel)

args <- commandArgs(trailingOnly = TRUE)
every <- if (length(args) >= 1) as.integer(args[[1]]) else 1L
cores <- if (length(args) >= 2) as.integer(args[[2]]) else 1L
offset <- if (length(args) >= 3) as.integer(args[[3]]) else 0L
m4_dir <- Sys.getenv("M4_DIR", "/work/shared/data/m4")
out_dir <- "bench/results/peers"
H <- 48L

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

train <- read_m4(file.path(m4_dir, "Hourly-train.csv"))
idx <- which((seq_along(train) - 1L - offset) %% every == 0L)
start <- as.POSIXct("2015-01-01 00:00:00", tz = "UTC")

run_one <- function(i) {
  id <- names(train)[[i]]
  y <- train[[i]]
  set.seed(i)
  pt0 <- proc.time()
  t0 <- pt0[["elapsed"]]
  res <- tryCatch({
    df <- data.frame(ds = start + 3600 * (seq_along(y) - 1), y = y)
    m <- suppressMessages(prophet(df))
    future <- data.frame(ds = start + 3600 * (length(y) + seq_len(H) - 1))
    f80 <- predict(m, future)
    m$interval.width <- 0.95
    f95 <- predict(m, future)
    data.frame(
      id = id, h = seq_len(H), point = f80$yhat,
      lo80 = f80$yhat_lower, hi80 = f80$yhat_upper, lo95 = f95$yhat_lower, hi95 = f95$yhat_upper
    )
  }, error = function(e) e)
  pt1 <- proc.time()
  secs <- pt1[["elapsed"]] - t0
  if (i %% 25L == 0L) message(sprintf("[%s] series %d done", format(Sys.time(), "%H:%M:%S"), i))
  cpu <- (pt1[["user.self"]] + pt1[["sys.self"]]) - (pt0[["user.self"]] + pt0[["sys.self"]])
  if (inherits(res, "error")) {
    return(list(fc = NULL, time = data.frame(id = id, seconds = secs, cpu_seconds = cpu,
      error = gsub("[\r\n,\"]", " ", conditionMessage(res)))))
  }
  list(fc = res, time = data.frame(id = id, seconds = secs, cpu_seconds = cpu, error = ""))
}

wall0 <- proc.time()[["elapsed"]]
results <- if (cores > 1L) mclapply(idx, run_one, mc.cores = cores, mc.preschedule = FALSE) else lapply(idx, run_one)
wall <- proc.time()[["elapsed"]] - wall0

fcs <- do.call(rbind, lapply(results, `[[`, "fc"))
times <- do.call(rbind, lapply(results, `[[`, "time"))
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
suffix <- Sys.getenv("OUT_SUFFIX", "")
write.csv(fcs, file.path(out_dir, sprintf("r-prophet-m4%s.csv", suffix)), row.names = FALSE, quote = FALSE)
write.csv(times, file.path(out_dir, sprintf("r-prophet-m4%s-times.csv", suffix)), row.names = FALSE)
cat(sprintf(
  "r prophet: %d series (every=%d offset=%d cores=%d), failures=%d, sum of per-series seconds=%.1f (cpu %.1f), wall=%.1f s\n",
  length(idx), every, offset, cores, sum(times$error != ""), sum(times$seconds), sum(times$cpu_seconds), wall
))
