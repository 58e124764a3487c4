/**
 * train.py's run folder, in the studio's own format (runs/run-folder.ts), so that `cnn-studio
 * runs`, the Runs view, Compare, Evaluate and `eval` read it like a local run:
 *
 *   graph.json      the design, as exported
 *   settings.json   the studio's training settings, with the command line's changes and the
 *                   validation split as the number of images held out (as a studio run records it)
 *   run.json        status, timings, epochs planned, the best epoch with the split that chose it
 *                   and its validation and test accuracy, the process's pid and host (so a killed run
 *                   reads as interrupted, runs/run-liveness.ts), and `ranOn`: where it ran
 *                   (framework, host, device, number of processes)
 *   metrics.jsonl   one line per epoch, the studio's epoch event (train, clean train, validation and
 *                   test loss and accuracy, the rate, the best epoch so far), appended as each ends
 *                   after its batch lines (type "batch", about ten a second: process 0's running
 *                   loss and accuracy, the learning rate and the cycled momentum)
 *   models/best/model.onnx, models/last/model.onnx
 *                   the model of the best epoch (on validation accuracy; test accuracy without a
 *                   validation split) and after the last epoch, as ONNX written
 *                   by torch.onnx.export in PRESERVE mode (an eval-mode export would fold
 *                   BatchNorm into the convolutions and lose the design's blocks); the studio
 *                   reads the weights back by their state-dict names.
 *
 * Every file is replaced whole (written beside, then renamed), as the studio writes them.
 */
export const RUN_FOLDER_PY = String.raw`
# ── the run folder ───────────────────────────────────────────────────────────

def iso_now():
    """The time as JavaScript's toISOString() writes it: 2026-11-30T09:16:14.435Z."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_whole(path, text):
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class RunFolder:
    def __init__(self, root, settings, ran_on):
        started = datetime.datetime.now(datetime.timezone.utc)
        stamp = started.strftime("%Y-%m-%d_%H-%M-%S")
        slug = re.sub(r"[^a-z0-9]+", "-", (GRAPH.get("name") or "graph").lower()).strip("-")[:40] or "graph"
        Path(root).mkdir(parents=True, exist_ok=True)
        for n in range(1, 10_000):
            self.dir = Path(root) / (f"{stamp}_{slug}" + (f"-{n}" if n > 1 else ""))
            try:
                self.dir.mkdir()
                break
            except FileExistsError:
                continue
        write_whole(self.dir / "graph.json", json.dumps(GRAPH, indent=2, ensure_ascii=False) + "\n")
        write_whole(self.dir / "settings.json", json.dumps(settings, indent=2, ensure_ascii=False) + "\n")
        self.started = time.monotonic()
        self.record = {
            "status": "running",
            "name": GRAPH.get("name") or "graph",
            "startedAt": iso_now(),
            "endedAt": None,
            "backend": f"pytorch-{ran_on['deviceType']}",
            "params": {"trainable": PARAMS["trainable"], "nonTrainable": PARAMS["nonTrainable"]},
            "epochsDone": 0,
            "epochsPlanned": settings["epochs"],
            "bestTestAccuracy": None,
            "bestEpoch": None,
            "seconds": None,
            "error": None,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "ranOn": {key: value for key, value in ran_on.items() if key != "deviceType"},
        }
        self.write_record()

    def write_record(self):
        write_whole(self.dir / "run.json", json.dumps(self.record, indent=2, ensure_ascii=False) + "\n")

    def epoch_ended(self, event, batch_lines=()):
        """The epoch's batch lines and then its event, in one write, as the studio appends them."""
        with open(self.dir / "metrics.jsonl", "a", encoding="utf-8") as f:
            f.write("".join(json.dumps(line) + "\n" for line in [*batch_lines, event]))
        self.record.update(
            epochsDone=event["epoch"], bestEpoch=event["bestEpoch"], selectedBy=event["selectedBy"],
            bestValidationAccuracy=event["bestValidationAccuracy"], bestTestAccuracy=event["bestTestAccuracy"],
        )
        self.write_record()

    def save_model(self, which, model, example):
        folder = self.dir / "models" / which
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / "model.onnx.tmp"
        training = model.training
        model.eval()
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model, example, str(temporary), training=torch.onnx.TrainingMode.PRESERVE, opset_version=13,
                input_names=[INPUT_NAME], output_names=[OUTPUT_NAME], dynamic_axes={INPUT_NAME: {0: "N"}, OUTPUT_NAME: {0: "N"}},
            )
        model.train(training)
        os.replace(temporary, folder / "model.onnx")

    def end(self, status, error=None):
        self.record.update(status=status, error=error, endedAt=iso_now(), seconds=time.monotonic() - self.started)
        self.write_record()
`;
