/**
 * train.py's validation split and model selection, the studio's (data/validation-split.ts,
 * train/selection.ts, graph/training-settings.ts validationCount):
 *
 *   - `validation` "auto" holds out a twelfth of the training images (after --limit), rounded as
 *     JavaScript rounds (halves up), at least 1 and at most 5,000; a number holds out that many;
 *     "none" none. settings.json records the number, as the studio's run does.
 *   - The images held out are evenly spaced, image ⌊(j + ½)·count / n⌋ for j = 0 … n − 1, in double
 *     precision as the studio computes it: the same images for every seed, and the same as the
 *     studio's. The rest, in their order, are trained on.
 *   - The clean train pass after every epoch measures at most 5,000 of those, evenly spaced the
 *     same way, without augmentation or dropout.
 *   - The best epoch is the one of highest validation accuracy (the first of equals), or of
 *     highest test accuracy without a validation split (`selectedBy` says which); the plateau
 *     schedule watches the validation loss (the test loss without a split).
 */
export const VALIDATION_PY = String.raw`
# ── validation split and the best epoch ──────────────────────────────────────

AUTO_VALIDATION_MAX, AUTO_VALIDATION_SHARE = 5_000, 1 / 12
CLEAN_TRAIN_SAMPLE = 5_000


def validation_count(setting, train_count):
    """How many training images the validation setting holds out of train_count."""
    if setting == "none":
        return 0
    if setting == "auto":
        return max(1, min(AUTO_VALIDATION_MAX, math.floor(train_count * AUTO_VALIDATION_SHARE + 0.5)))
    return setting


def evenly_spaced(count, n):
    """The n evenly spaced positions in 0 … count − 1, ascending: ⌊(j + ½)·count / n⌋."""
    return torch.floor((torch.arange(n, dtype=torch.float64) + 0.5) * count / n).to(torch.int64)


def hold_out(count, n):
    """The positions trained on and the n held out for validation, of count training images."""
    held = evenly_spaced(count, n)
    keep = torch.ones(count, dtype=torch.bool)
    keep[held] = False
    return torch.nonzero(keep).flatten(), held


def split_training(data, settings):
    """data with "train" cut to the images trained on, "validation" (None without a split) and "clean" (the clean pass's sample); settings with the split as a number."""
    images, labels = data["train"]
    held = validation_count(settings["validation"], len(labels))
    if held > len(labels) or (held > 0 and held == len(labels)):
        raise SystemExit(f"error: the validation split of {held:,} image{'s' if held != 1 else ''} leaves no images to train on ({len(labels):,} training images); hold out fewer, or set validation to none")
    kept, validation = hold_out(len(labels), held)
    if settings["batchSize"] > len(kept):
        left = f" left after holding out {held:,} for validation" if held else ""
        raise SystemExit(f"error: the batch size {settings['batchSize']:,} is larger than the {len(kept):,} training images{left}")
    train = (images[kept], labels[kept])
    sample = torch.arange(len(kept)) if len(kept) <= CLEAN_TRAIN_SAMPLE else evenly_spaced(len(kept), CLEAN_TRAIN_SAMPLE)
    split = dict(data, train=train, validation=(images[validation], labels[validation]) if held else None, clean=(train[0][sample], train[1][sample]))
    return split, dict(settings, validation=held if settings["validation"] == "auto" else settings["validation"])


def next_best(best, epoch, scores):
    """The best epoch after epoch ended with scores, and whether it is the new best: a higher accuracy on the selecting split."""
    score = lambda b: (b["validationAccuracy"] if b["validationAccuracy"] is not None else -1) if best["selectedBy"] == "validation" else b["testAccuracy"]
    if best["epoch"] != 0 and not score(scores) > score(best):
        return best, False
    return {"epoch": epoch, "selectedBy": best["selectedBy"], "validationAccuracy": scores["validationAccuracy"], "testAccuracy": scores["testAccuracy"]}, True
`;
