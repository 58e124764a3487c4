/**
 * train.py's learning-rate schedules, the studio's formulas (train/schedules.ts) line for line:
 * `rate(epoch, batch)` and `momentum(epoch, batch)` before every batch (both counted from 0),
 * `epoch_ended(loss)` after every epoch with the loss the plateau schedule watches (the
 * validation loss, or the test loss without a validation split). A linear warm-up of W batches
 * (warm-up epochs × batches per epoch, rounded as JavaScript's Math.round rounds: halves up, so
 * floor(x + 0.5), not Python's round()) comes before the schedule, which then runs on the batches
 * left, as PyTorch's SequentialLR([LinearLR, schedule], milestones=[W]) runs it.
 */
export const SCHEDULE_PY = String.raw`
# ── learning-rate schedule ───────────────────────────────────────────────────

class Schedule:
    def __init__(self, settings, base_rate, epochs, batches_per_epoch, warmup=None):
        warmup = warmup or {"epochs": 0, "startFactor": 1 / 3}
        self.settings, self.base, self.batches_per_epoch = settings, base_rate, batches_per_epoch
        total = epochs * batches_per_epoch
        # Never the whole run: at least one batch is left for the schedule itself.
        self.warmup_steps = min(math.floor(warmup["epochs"] * batches_per_epoch + 0.5), max(0, total - 1))
        self.start_factor = warmup["startFactor"]
        self.steps = total - self.warmup_steps
        self.current, self.best, self.waited = base_rate, None, 0

    def rate(self, epoch, batch):
        step = epoch * self.batches_per_epoch + batch
        if step >= self.warmup_steps:
            return self.phase_rate(step - self.warmup_steps)
        return self.phase_rate(0) * (self.start_factor + (1 - self.start_factor) * step / self.warmup_steps)

    def momentum(self, epoch, batch):
        """SGD's momentum (Adam's β1) for this batch when one-cycle cycles it, else None."""
        s = self.settings
        if s["type"] != "oneCycle" or not s["cycleMomentum"]:
            return None
        step = max(0, epoch * self.batches_per_epoch + batch - self.warmup_steps)
        phase, progress = self.one_cycle_phase(step)
        return cosine(phase["momentum"][0], phase["momentum"][1], progress)

    def phase_rate(self, step):
        s = self.settings
        if s["type"] == "step":
            return self.base * s["gamma"] ** ((step // self.batches_per_epoch) // s["stepSize"])
        if s["type"] == "multiStep":
            return self.base * s["gamma"] ** sum(1 for epoch in s["milestones"] if epoch * self.batches_per_epoch <= step)
        if s["type"] == "cosine":
            # CosineAnnealingLR over the batches after warm-up; held at minLr past its end.
            return s["minLr"] + (self.base - s["minLr"]) * (1 + math.cos(math.pi * min(step, self.steps) / self.steps)) / 2
        if s["type"] == "oneCycle":
            phase, progress = self.one_cycle_phase(step)
            return cosine(phase["rate"][0], phase["rate"][1], progress)
        if s["type"] == "plateau":
            return self.current
        return self.base

    def one_cycle_phase(self, step):
        """OneCycleLR's two phases (the learning rate as max_lr): the first ends at step pct_start·T − 1 (not rounded), the second at T − 1."""
        s = self.settings
        initial = self.base / s["divFactor"]
        final = initial / s["finalDivFactor"]
        phases = [
            {"end": s["pctStart"] * self.steps - 1, "rate": (initial, self.base), "momentum": (s["maxMomentum"], s["baseMomentum"])},
            {"end": self.steps - 1, "rate": (self.base, final), "momentum": (s["baseMomentum"], s["maxMomentum"])},
        ]
        start = 0
        for i, phase in enumerate(phases):
            if step <= phase["end"] or i == len(phases) - 1:
                span = phase["end"] - start
                return phase, (min(1, (step - start) / span) if span > 0 else 1)
            start = phase["end"]

    def epoch_ended(self, loss):
        if self.settings["type"] != "plateau":
            return
        # Keras' rule: an improvement must beat the best by a relative 1e-4.
        if self.best is None or loss < self.best * (1 - 1e-4):
            self.best, self.waited = loss, 0
            return
        self.waited += 1
        if self.waited > self.settings["patience"]:
            self.current = max(self.current * self.settings["factor"], self.settings["minLr"])
            self.waited = 0


def cosine(origin, target, progress):
    return target + (origin - target) / 2 * (math.cos(math.pi * progress) + 1)
`;
