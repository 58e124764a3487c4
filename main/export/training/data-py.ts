/**
 * train.py's data: the four IDX files of a folder given on the command line (plain or .gz), found
 * by the names the studio finds them by (data/idx-folder.ts: the split, train or t10k/test, and the
 * kind, images or labels), EMNIST turned upright and its letters' labels shifted to start at 0 as
 * the studio does (data/emnist.ts), the first `limit` images of each split, and the studio's
 * normalisation: MNIST's published mean and standard deviation, or for any other dataset those of
 * all its training pixels scaled to [0, 1] (data/dataset.ts, pixelStatistics).
 */
export const DATA_PY = String.raw`
# ── data ─────────────────────────────────────────────────────────────────────

SPLIT_PATTERNS = {"train": r"(^|[-_.])train([-_.]|$)", "test": r"(^|[-_.])(t10k|test)([-_.]|$)"}
KIND_PATTERNS = {"images": r"(^|[-_.])images([-_.]|$)", "labels": r"(^|[-_.])labels([-_.]|$)"}
# EMNIST's splits whose first label is 1 (the studio shifts them to start at 0).
EMNIST_FIRST_LABEL = {"letters": 1}


def find_idx_files(folder):
    """The four IDX files in folder, by split and kind; a plain file is preferred to its .gz."""
    names = sorted(p.name for p in Path(folder).iterdir() if p.is_file() and re.search("idx|ubyte", p.name, re.I))
    found = {}
    for split, split_pattern in SPLIT_PATTERNS.items():
        for kind, kind_pattern in KIND_PATTERNS.items():
            matches = [n for n in names if re.search(split_pattern, n.lower()) and re.search(kind_pattern, n.lower())]
            plain = [n for n in matches if not n.endswith(".gz")]
            if not matches:
                raise SystemExit(f"error: {folder} has no {split} {kind} IDX file (like {'train' if split == 'train' else 't10k'}-{kind}-idx{3 if kind == 'images' else 1}-ubyte[.gz])")
            found[(split, kind)] = Path(folder) / (plain or matches)[0]
    return found


def read_idx(path):
    """An IDX file of unsigned bytes as a NumPy array of its dimensions."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise SystemExit(f"error: {path} is not an IDX file of unsigned bytes")
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    start = 4 + 4 * rank
    count = int(np.prod(dims))
    if len(data) - start < count:
        raise SystemExit(f"error: {path} ends early: {len(data) - start} of {count} values")
    return np.frombuffer(data, dtype=np.uint8, count=count, offset=start).reshape(dims)


def load_dataset(folder, limit):
    """Train and test images (N, C, H, W) as uint8 tensors, their labels, and the normalisation."""
    files = find_idx_files(folder)
    emnist = re.match(r"^emnist-([a-z]+)-(train|test)-(images|labels)", files[("train", "images")].name, re.I)
    first_label = EMNIST_FIRST_LABEL.get(emnist.group(1).lower(), 0) if emnist else 0
    splits = {}
    for split in ("train", "test"):
        images = read_idx(files[(split, "images")])
        labels = read_idx(files[(split, "labels")]).astype(np.int64) - first_label
        if images.ndim == 3:
            images = images[..., None]
        if emnist:
            images = images.transpose(0, 2, 1, 3)  # EMNIST stores each image transposed
        if len(labels) != len(images):
            raise SystemExit(f"error: {files[(split, 'images')]} holds {len(images)} images but {files[(split, 'labels')]} {len(labels)} labels")
        splits[split] = (images, labels)
    if DATASET["normalization"]:
        mean, std = DATASET["normalization"]["mean"], DATASET["normalization"]["std"]
    else:
        mean, std = pixel_statistics(splits["train"][0])
    out = {}
    for split, (images, labels) in splits.items():
        if limit:
            images, labels = images[:limit], labels[:limit]
        out[split] = (torch.from_numpy(np.array(images.transpose(0, 3, 1, 2), order="C")), torch.from_numpy(np.array(labels)))
    return out, mean, std


def pixel_statistics(images):
    """Mean and standard deviation of all pixels scaled to [0, 1], in double precision."""
    total, squares, count = 0.0, 0.0, 0
    for chunk in np.array_split(images.reshape(-1), max(1, images.size // 10_000_000)):
        values = chunk.astype(np.float64) / 255
        total += values.sum()
        squares += (values * values).sum()
        count += values.size
    mean = total / count
    return mean, math.sqrt(max(squares / count - mean * mean, 1e-12))


def check_dataset(data):
    """The images must be what the design takes, and every label one of its classes."""
    images, labels = data["train"]
    shape = tuple(images.shape[1:])
    if shape != INPUT_SHAPE:
        raise SystemExit(f"error: the images are {shape[1]}x{shape[2]}x{shape[0]} but the design takes {INPUT_SHAPE[1]}x{INPUT_SHAPE[2]}x{INPUT_SHAPE[0]} (height x width x channels)")
    for split, (_, split_labels) in data.items():
        if len(split_labels) and (int(split_labels.min()) < 0 or int(split_labels.max()) >= NUM_CLASSES):
            raise SystemExit(f"error: the {split} labels run from {int(split_labels.min())} to {int(split_labels.max())}, but the design has {NUM_CLASSES} classes")
`;
