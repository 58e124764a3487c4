/**
 * train.py's training loop and command line, as the studio trains (train/trainer.ts): per epoch a
 * shuffled pass in batches, the learning rate set before every batch, augmentation then the
 * normalisation, the loss the Output block implies (NLL of the log-softmax, or cross-entropy of
 * logits), then the whole test split, the test loss as the studio computes it (−log of the
 * label's probability, floored at 1e-7), the best and last models saved, one line in
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
    """Summed over every process: the test loss as the studio computes it, correct answers, images."""
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
    return processes.sum(loss, correct, len(mine))


class Stop(Exception):
    """The run ends early: status and message for run.json."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def on_sigterm(signum, frame):
    raise KeyboardInterrupt


def train(args, settings, processes, run):
    torch.manual_seed(settings["seed"])
    data, mean, std = load_dataset(args.data, settings.get("limit"))
    check_dataset(data)
    device = processes.device
    if device.type == "cuda":  # a few hundred MB at most for the datasets this script reads
        data = {split: (images.to(device), labels.to(device)) for split, (images, labels) in data.items()}
    model = Model().to(device)
    initialise(model, torch.Generator().manual_seed(settings["seed"]))
    net = processes.wrap(model, args.sync_bn)
    # Dropout and augmentation differ from process to process; the initial weights do not (DDP sends process 0's).
    torch.manual_seed(settings["seed"] * 1000 + processes.rank)
    generator = torch.Generator().manual_seed(settings["seed"] * 1000 + processes.rank)

    train_images, train_labels = data["train"]
    per_process = max(1, settings["batchSize"] // processes.world)
    sampler = torch.utils.data.distributed.DistributedSampler(range(len(train_labels)), num_replicas=processes.world, rank=processes.rank, shuffle=True, seed=settings["seed"])
    batches = math.ceil(len(sampler) / per_process)
    schedule = Schedule(settings["schedule"], settings["learningRate"], settings["epochs"], batches)
    optimizer = make_optimizer(net, settings, schedule.rate(0, 0))
    loss_of = F.nll_loss if SOFTMAX else F.cross_entropy
    rotate, shift = settings["augment"]["rotate"], settings["augment"]["shift"]
    example = torch.zeros((1,) + INPUT_SHAPE, device=device)
    say(processes, f"{len(train_labels):,} training and {len(data['test'][1]):,} test images, batches of {per_process * processes.world}"
        f"{f' ({per_process} per process)' if processes.world > 1 else ''}, {batches} a epoch; normalised with mean {mean:.4f}, std {std:.4f}")

    best = (-1.0, 0)
    for epoch in range(settings["epochs"]):
        started = time.monotonic()
        sampler.set_epoch(epoch)
        order = torch.tensor(list(sampler))
        loss_sum, correct, seen, rate = 0.0, 0, 0, None
        net.train()
        for b in range(batches):
            indices = order[b * per_process:(b + 1) * per_process]
            rate = schedule.rate(epoch, b)
            set_learning_rate(optimizer, rate)
            images = normalise(augment(batch_images(train_images, indices, device), rotate, shift, generator), mean, std)
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
            if processes.main and sys.stdout.isatty() and (b % 20 == 0 or b == batches - 1):
                print(f"\r  epoch {epoch + 1}/{settings['epochs']}  batch {b + 1}/{batches}  loss {loss_sum / seen:.4f}  lr {rate:.3g}", end="", flush=True)
        loss_sum, correct, seen = processes.sum(loss_sum, correct, seen)
        processes.share_buffers(model)
        # The plain model, not its DistributedDataParallel wrapper: the shares may differ by a batch.
        test_loss, test_correct, test_count = evaluate(model, data["test"], mean, std, processes)
        seconds = time.monotonic() - started
        test_accuracy = test_correct / test_count
        improved = test_accuracy > best[0]
        if improved:
            best = (test_accuracy, epoch + 1)
        schedule.epoch_ended(test_loss / test_count)
        if not math.isfinite(test_loss):
            raise Stop("diverged", f"the test loss became {test_loss} after epoch {epoch + 1}; lower the learning rate")
        event = {
            "type": "epoch", "epoch": epoch + 1,
            "trainLoss": loss_sum / seen, "trainAccuracy": correct / seen,
            "testLoss": test_loss / test_count, "testAccuracy": test_accuracy,
            "learningRate": rate, "seconds": seconds, "imagesPerSecond": seen / seconds,
            "bestTestAccuracy": best[0], "bestEpoch": best[1], "tensors": 0,
        }
        if run:
            run.save_model("last", model, example)
            if improved:
                run.save_model("best", model, example)
            run.epoch_ended(event)
        if processes.main:
            print(("\r" if sys.stdout.isatty() else "") + f"epoch {epoch + 1}/{settings['epochs']}: train loss {event['trainLoss']:.4f}, accuracy {100 * event['trainAccuracy']:.2f} %; "
                  f"test loss {event['testLoss']:.4f}, accuracy {100 * test_accuracy:.2f} % (best {100 * best[0]:.2f} % at epoch {best[1]}); "
                  f"lr {rate:.3g}, {seconds:.1f} s, {event['imagesPerSecond']:,.0f} images/s", flush=True)


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
    ran_on = {"framework": f"PyTorch {torch.__version__}", "host": socket.gethostname(), "device": processes.describe_device(), "deviceType": processes.device.type, "worldSize": processes.world}
    run = RunFolder(args.out, settings, ran_on) if processes.main and not args.no_save else None
    say(processes, f"Training {GRAPH.get('name') or 'the design'} ({PARAMS['trainable']:,} trainable parameters) with PyTorch {torch.__version__} "
        f"on {ran_on['device']}, {processes.world} process{'es' if processes.world > 1 else ''}" + (f"; run folder {run.dir}" if run else ""))
    status, error = "finished", None
    try:
        train(args, settings, processes, run)
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
