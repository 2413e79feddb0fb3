# Peer run: Prophet's documented Peyton Manning example with the playoff and Super Bowl holidays
# (dates from Prophet's "Seasonality, Holiday Effects, And Regressors" docs, stored in
# bench/peers/peyton_events.csv; lower_window 0, upper_window 1), then the docs' cross-validation:
# cross_validation(m, initial = 730 days, period = 180 days, horizon = 365 days). interval.width 0.8 (default).
#
# Usage (from the repository root):
#   TZ=UTC OMP_NUM_THREADS=1 Rscript bench/peers/prophet_peyton.R
#
# Writes bench/results/peers/r-prophet-peyton-cv.csv (cutoff,ds,y,yhat,yhat_lower,yhat_upper),
#        bench/results/peers/r-prophet-peyton-cutoffs.csv (cutoff; the cutoffs prophet chose),
#        bench/results/peers/r-prophet-peyton-times.csv (stage,seconds,n_cutoffs).

suppressPackageStartupMessages(library(prophet))

data_path <- Sys.getenv("PEYTON_CSV", "/work/shared/data/prophet-examples/example_wp_log_peyton_manning.csv")
out_dir <- "bench/results/peers"
set.seed(2024)

df <- read.csv(data_path, stringsAsFactors = FALSE)
df$ds <- as.Date(df$ds)
ev <- read.csv("bench/peers/peyton_events.csv", stringsAsFactors = FALSE)
ev$ds <- as.Date(ev$ds)

t0 <- proc.time()[["elapsed"]]
m <- suppressMessages(prophet(df, holidays = ev))
t_fit <- proc.time()[["elapsed"]] - t0

t1 <- proc.time()[["elapsed"]]
cv <- suppressMessages(cross_validation(m, initial = 730, period = 180, horizon = 365, units = "days"))
t_cv <- proc.time()[["elapsed"]] - t1

fmt <- function(x) format(as.POSIXct(x, tz = "UTC"), "%Y-%m-%d")
out <- data.frame(
  cutoff = fmt(cv$cutoff), ds = fmt(cv$ds), y = cv$y,
  yhat = cv$yhat, yhat_lower = cv$yhat_lower, yhat_upper = cv$yhat_upper
)
cutoffs <- unique(out$cutoff)
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
write.csv(out, file.path(out_dir, "r-prophet-peyton-cv.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(cutoff = cutoffs), file.path(out_dir, "r-prophet-peyton-cutoffs.csv"), row.names = FALSE, quote = FALSE)
write.csv(
  data.frame(
    stage = c("full_fit", "cross_validation_all_cutoffs"),
    seconds = c(t_fit, t_cv),
    n_cutoffs = c(1L, length(cutoffs))
  ),
  file.path(out_dir, "r-prophet-peyton-times.csv"), row.names = FALSE, quote = FALSE
)

pm <- performance_metrics(cv)
cat(sprintf("peyton: %d rows, %d cutoffs (%s .. %s), full fit %.1f s, CV %.1f s\n",
  nrow(out), length(cutoffs), cutoffs[[1]], cutoffs[[length(cutoffs)]], t_fit, t_cv))
cat(sprintf("CV overall: MAE=%.4f RMSE=%.4f coverage80=%.3f\n",
  mean(abs(cv$y - cv$yhat)), sqrt(mean((cv$y - cv$yhat)^2)),
  mean(cv$y >= cv$yhat_lower & cv$y <= cv$yhat_upper)))
