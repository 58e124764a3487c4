/**
 * train.py's training loop and command line, as the studio trains (train/trainer.ts): the data
 * loaded and the validation split held out before the run folder is made; per epoch a shuffled
 * pass in batches, the learning rate (and one-cycle's cycled momentum) set before every batch,
 * augmentation then the normalisation, the loss the Output block implies with the run's label
 * smoothing (cross-entropy of logits, or of the log-probabilities a softmax Output gives); then a
 * clean pass over a sample of the training images, the validation split and the whole test split,
 * each loss as the studio computes it (−log of the label's probability, floored at 1e-7); the best
 * epoch chosen on validation accuracy (test accuracy without a split), the plateau schedule told
 * the validation loss, the best and last models saved, the studio's epoch event as one line in
 * metrics.jsonl. A loss that stops being a number ends the run as diverged; Ctrl+C or SIGTERM as
 * cancelled, keeping the finished epochs; any other error as failed, in one line.
 */
export const LOOP_PY = String.raw`
# ── training ─────────────────────────────────────────────────────────────────

def normalise(images, mean, std):
    return (images - mean) / std


def batch_images(images, indices, device):
    return images[indices].to(device, non_blocking=True).float() / 255


def evaluate(model, data, mean, std, processes, batch_size=500):
    """Over every process's share of a split: the mean loss as the studio computes it, and the accuracy."""
    images, labels = data
    mine = torch.arange(processes.rank, len(labels), processes.world)
    loss, correct = 0.0, 0
    model.eval()
    with torch.no_grad():
        for start in range(0, len(mine), batch_size):
            indices = mine[start:start + batch_size]
            output = model(normalise(batch_images(images, indices, processes.device), mean, std))
            probabilities = output.exp() if SOFTMAX else F.softmax(output, dim=1)
            truth = labels[indices].to(processes.device)
            chosen = probabilities.gather(1, truth[:, None]).clamp_min(1e-7)
            loss += float(-chosen.log().sum())
            correct += int((probabilities.argmax(1) == truth).sum())
    model.train()
    loss, correct, count = processes.sum(loss, correct, len(mine))
    return {"loss": loss / count, "accuracy": correct / count}


def make_loss(settings):
    """Cross-entropy against the targets (1 − ε)·one-hot + ε / classes: PyTorch's CrossEntropyLoss(label_smoothing=ε)
    of logits; with a softmax Output block the model gives log-probabilities, and the same formula is taken of them."""
    smoothing = settings["labelSmoothing"]
    if not SOFTMAX:
        return nn.CrossEntropyLoss(label_smoothing=smoothing)
    return lambda log_probabilities, truth: (1 - smoothing) * F.nll_loss(log_probabilities, truth) - smoothing * log_probabilities.mean(1).mean()


class Stop(Exception):
    """The run ends early: status and message for run.json."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def on_sigterm(signum, frame):
    raise KeyboardInterrupt


def train(args, settings, processes, run, data, mean, std):
    device = processes.device
    if device.type == "cuda":  # a few hundred MB at most for the datasets this script reads
        data = {split: None if part is None else (part[0].to(device), part[1].to(device)) for split, part in data.items()}
    torch.manual_seed(settings["seed"])
    model = Model().to(device)
    initialise(model, torch.Generator().manual_seed(settings["seed"]), settings["init"])
    net = processes.wrap(model, args.sync_bn)
    # Dropout and augmentation differ from process to process; the initial weights do not (DDP sends process 0's).
    torch.manual_seed(settings["seed"] * 1000 + processes.rank)
    generator = torch.Generator().manual_seed(settings["seed"] * 1000 + processes.rank)

    train_images, train_labels = data["train"]
    per_process = max(1, settings["batchSize"] // processes.world)
    sampler = torch.utils.data.distributed.DistributedSampler(range(len(train_labels)), num_replicas=processes.world, rank=processes.rank, shuffle=True, seed=settings["seed"])
    batches = math.ceil(len(sampler) / per_process)
    schedule = Schedule(settings["schedule"], settings["learningRate"], settings["epochs"], batches, settings["warmup"])
    optimizer = make_optimizer(net, settings, schedule.rate(0, 0), schedule.momentum(0, 0))
    loss_of = make_loss(settings)
    example = torch.zeros((1,) + INPUT_SHAPE, device=device)
    validation = data["validation"]
    say(processes, f"{len(train_labels):,} training, {len(validation[1]) if validation else 0:,} validation and {len(data['test'][1]):,} test images, batches of {per_process * processes.world}"
        f"{f' ({per_process} per process)' if processes.world > 1 else ''}, {batches} a epoch; normalised with mean {mean:.4f}, std {std:.4f}")

    best = {"epoch": 0, "selectedBy": "validation" if validation else "test", "validationAccuracy": None, "testAccuracy": -1}
    for epoch in range(settings["epochs"]):
        started = time.monotonic()
        sampler.set_epoch(epoch)
        order = torch.tensor(list(sampler))
        loss_sum, correct, seen, rate = 0.0, 0, 0, None
        # The studio's batch lines, about ten a second: process 0's running loss and accuracy, the rate and momentum.
        batch_lines, reported = [], 0.0
        net.train()
        for b in range(batches):
            indices = order[b * per_process:(b + 1) * per_process]
            rate, momentum = schedule.rate(epoch, b), schedule.momentum(epoch, b)
            set_rates(optimizer, rate, momentum)
            images = normalise(augment(batch_images(train_images, indices, device), settings["augment"], generator), mean, std)
            truth = train_labels[indices].to(device)
            output = net(images)
            loss = loss_of(output, truth)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            value = float(loss)
            if not math.isfinite(value):
                raise Stop("diverged", f"the loss became {value} in epoch {epoch + 1}, batch {b + 1}, at learning rate {rate:g}; lower the learning rate")
            loss_sum += value * len(indices)
            correct += int((output.argmax(1) == truth).sum())
            seen += len(indices)
            if run and (time.monotonic() - reported >= 0.1 or b == batches - 1):
                reported = time.monotonic()
                batch_lines.append({"type": "batch", "epoch": epoch + 1, "batch": b + 1, "loss": loss_sum / seen, "accuracy": correct / seen, "learningRate": rate, "momentum": momentum})
            if processes.main and sys.stdout.isatty() and (b % 20 == 0 or b == batches - 1):
                print(f"\r  epoch {epoch + 1}/{settings['epochs']}  batch {b + 1}/{batches}  loss {loss_sum / seen:.4f}  lr {rate:.3g}", end="", flush=True)
        loss_sum, correct, seen = processes.sum(loss_sum, correct, seen)
        images_per_second = seen / (time.monotonic() - started)
        processes.share_buffers(model)
        # The plain model, not its DistributedDataParallel wrapper: the shares may differ by a batch.
        measure = lambda split: evaluate(model, split, mean, std, processes)
        clean = measure(data["clean"])
        checked = measure(validation) if validation else None
        test = measure(data["test"])
        for name, result in (("validation", checked), ("test", test)):
            if result and not math.isfinite(result["loss"]):
                raise Stop("diverged", f"the {name} loss became {result['loss']} after epoch {epoch + 1}; lower the learning rate")
        scores = {
            "validationLoss": checked["loss"] if checked else None, "validationAccuracy": checked["accuracy"] if checked else None,
            "testLoss": test["loss"], "testAccuracy": test["accuracy"],
        }
        best, improved = next_best(best, epoch + 1, scores)
        schedule.epoch_ended(scores["validationLoss"] if checked else scores["testLoss"])
        event = {
            "type": "epoch", "epoch": epoch + 1,
            "trainLoss": loss_sum / seen, "trainAccuracy": correct / seen,
            "cleanTrainLoss": clean["loss"], "cleanTrainAccuracy": clean["accuracy"],
            **scores,
            "learningRate": rate, "seconds": time.monotonic() - started, "imagesPerSecond": images_per_second,
            "selectedBy": best["selectedBy"], "bestEpoch": best["epoch"],
            "bestValidationAccuracy": best["validationAccuracy"], "bestTestAccuracy": best["testAccuracy"], "tensors": 0,
        }
        if run:
            run.save_model("last", model, example)
            if improved:
                run.save_model("best", model, example)
            run.epoch_ended(event, batch_lines)
        if processes.main:
            checked_words = f"validation loss {event['validationLoss']:.4f}, accuracy {100 * event['validationAccuracy']:.2f} %; " if checked else ""
            print(("\r" if sys.stdout.isatty() else "") + f"epoch {epoch + 1}/{settings['epochs']}: train loss {event['trainLoss']:.4f}, accuracy {100 * event['trainAccuracy']:.2f} %; "
                  f"{checked_words}test loss {event['testLoss']:.4f}, accuracy {100 * event['testAccuracy']:.2f} % "
                  f"(best: epoch {best['epoch']}, chosen on {best['selectedBy']}); lr {rate:.3g}, {event['seconds']:.1f} s, {images_per_second:,.0f} images/s", flush=True)


def say(processes, text):
    if processes.main:
        print(text, flush=True)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=USAGE)
    parser.add_argument("--data", required=True, help="the folder holding the four IDX files (train/t10k images and labels, plain or .gz)")
    parser.add_argument("--out", default="runs", help="where the run folder goes (default: runs)")
    parser.add_argument("--epochs", type=int, help=f"epochs (the design's: {SETTINGS['epochs']})")
    parser.add_argument("--batch", type=int, help=f"global batch size, split between processes (the design's: {SETTINGS['batchSize']})")
    parser.add_argument("--limit", type=int, help="use only the first N training and test images")
    parser.add_argument("--seed", type=int, help=f"seed for initialisation, shuffling, dropout and augmentation (the design's: {SETTINGS['seed']})")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto", help="auto takes CUDA when PyTorch sees a GPU")
    parser.add_argument("--sync-bn", action="store_true", help="with several processes: BatchNorm statistics over the whole batch (SyncBatchNorm, CUDA only)")
    parser.add_argument("--no-save", action="store_true", help="write no run folder")
    return parser.parse_args()


def main():
    args = parse_arguments()
    settings = dict(SETTINGS)
    for key, value in (("epochs", args.epochs), ("batchSize", args.batch), ("limit", args.limit), ("seed", args.seed)):
        if value is not None:
            if value < 1 and key != "seed":
                raise SystemExit(f"error: --{'batch' if key == 'batchSize' else key} must be at least 1")
            settings[key] = value
    signal.signal(signal.SIGTERM, on_sigterm)
    processes = Processes(args.device)
    # The data before the run folder, as the studio loads it: settings.json records the validation split as a number.
    data, mean, std = load_dataset(args.data, settings.get("limit"))
    check_dataset(data)
    data, settings = split_training(data, settings)
    ran_on = {"framework": f"PyTorch {torch.__version__}", "host": socket.gethostname(), "device": processes.describe_device(), "deviceType": processes.device.type, "worldSize": processes.world}
    run = RunFolder(args.out, settings, ran_on) if processes.main and not args.no_save else None
    say(processes, f"Training {GRAPH.get('name') or 'the design'} ({PARAMS['trainable']:,} trainable parameters) with PyTorch {torch.__version__} "
        f"on {ran_on['device']}, {processes.world} process{'es' if processes.world > 1 else ''}" + (f"; run folder {run.dir}" if run else ""))
    status, error = "finished", None
    try:
        train(args, settings, processes, run, data, mean, std)
    except Stop as stop:
        status, error = stop.status, str(stop)
    except KeyboardInterrupt:
        status = "cancelled"
    except SystemExit as exit:
        status, error = "failed", str(exit.code).removeprefix("error: ")
        if run:
            run.end(status, error)
        raise
    except Exception as exception:
        status, error = "failed", f"{type(exception).__name__}: {str(exception).splitlines()[0] if str(exception) else ''}"
        if run:
            run.end(status, error)
        raise
    if run:
        run.end(status, error)
    say(processes, f"{status}{': ' + error if error else ''}" + (f"; the run folder is {run.dir}" if run else ""))
    processes.close()
    sys.exit(0 if status == "finished" else 130 if status == "cancelled" else 1)


if __name__ == "__main__":
    main()
`;
