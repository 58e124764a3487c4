/**
 * train.py's learning-rate schedules, the studio's formulas (train/schedules.ts) line for line:
 * `rate(epoch, batch)` before every batch (both counted from 0), `epoch_ended(test_loss)` after
 * every epoch's test. JavaScript's Math.round rounds halves up, Python's round() to even: the
 * one-cycle peak uses floor(x + 0.5) to round as the studio does.
 */
export const SCHEDULE_PY = String.raw`
# ── learning-rate schedule ───────────────────────────────────────────────────

class Schedule:
    def __init__(self, settings, base_rate, epochs, batches_per_epoch):
        self.settings, self.base = settings, base_rate
        self.current, self.best, self.waited = base_rate, math.inf, 0
        self.total_steps, self.batches_per_epoch = epochs * batches_per_epoch, batches_per_epoch

    def rate(self, epoch, batch):
        s = self.settings
        if s["type"] == "step":
            return self.base * s["gamma"] ** (epoch // s["stepSize"])
        if s["type"] == "oneCycle":
            peak = s.get("maxLr") or self.base
            start = peak / s["divFactor"]
            end = start / s["finalDivFactor"]
            peak_step = max(1, math.floor(s["pctStart"] * self.total_steps + 0.5) - 1)
            cosine = lambda origin, target, progress: target + (origin - target) / 2 * (1 + math.cos(math.pi * progress))
            step = epoch * self.batches_per_epoch + batch
            if step <= peak_step:
                return cosine(start, peak, step / peak_step)
            return cosine(peak, end, min(1, (step - peak_step) / max(1, self.total_steps - 1 - peak_step)))
        if s["type"] == "plateau":
            return self.current
        return self.base

    def epoch_ended(self, test_loss):
        s = self.settings
        if s["type"] != "plateau":
            return
        # Keras' rule: an improvement must beat the best by a relative 1e-4.
        if test_loss < self.best * (1 - 1e-4):
            self.best, self.waited = test_loss, 0
            return
        self.waited += 1
        if self.waited > s["patience"]:
            self.current = max(self.current * s["factor"], s["minLr"])
            self.waited = 0
`;
